import GRDB
import PledgeSchema
import PledgeModel

/// A pledge row as the node keeps it: the registry's confirmed state and the view with local edits.
struct StoredPledge {
    var id: String
    /// The registry's values and versions; nil while the pledge has never reached the registry.
    var confirmed: FieldDictionary<VersionedValue>?
    /// Confirmed overlaid with the outbox: what the user sees.
    var current: Pledge
    var createdSeq: Int

    static func fetch(_ db: Database, id: String) throws -> StoredPledge? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT id, confirmed, current, created_seq FROM pledge WHERE id = ?"), arguments: [id])
            .map(StoredPledge.init(row:))
    }

    /// The row with `confirmed` only, for a caller that recomputes `current` (recording push
    /// answers): decoding the shown pledge only to replace it cost a tenth of the node's push CPU.
    /// Also whether a change of the pledge waits in the outbox, asked in the same statement (a
    /// statement of its own was a fifteenth of recording an answer, docs/performance.md).
    static func fetchConfirmed(_ db: Database, id: String) throws -> (stored: StoredPledge, waitsInOutbox: Bool)? {
        try db.stepBound(sql: """
            SELECT confirmed, created_seq, EXISTS(SELECT 1 FROM outbox WHERE pledge_id = ?1) FROM pledge WHERE id = ?1
            """, [.text(id)]) { row in
            let stored = StoredPledge(id: id, confirmed: try row.text(0).map { try CanonicalJSON.decode(FieldDictionary<VersionedValue>.self, from: $0) },
                                      current: Pledge(id: id, fields: [:]), createdSeq: row.integer(1))
            return (stored, row.bool(2))
        }
    }

    static func fetchAll(_ db: Database) throws -> [StoredPledge] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT id, confirmed, current, created_seq FROM pledge ORDER BY created_seq"))
            .map(StoredPledge.init(row:))
    }

    init(id: String, confirmed: FieldDictionary<VersionedValue>?, current: Pledge, createdSeq: Int) {
        self.id = id
        self.confirmed = confirmed
        self.current = current
        self.createdSeq = createdSeq
    }

    init(row: Row) throws {
        id = row["id"]
        let confirmedText: String? = row["confirmed"]
        confirmed = try confirmedText.map { try CanonicalJSON.decode(FieldDictionary<VersionedValue>.self, from: $0) }
        current = try CanonicalJSON.decode(Pledge.self, from: row["current"] as String)
        createdSeq = row["created_seq"]
    }

    /// Inserts or replaces the row, keeping the filter columns in step with `current`.
    func save(_ db: Database) throws {
        try db.executeCached(sql: """
            INSERT INTO pledge(id, delegation, ministerial, area, status, confirmed, current, created_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET delegation = excluded.delegation, ministerial = excluded.ministerial,
                area = excluded.area, status = excluded.status, confirmed = excluded.confirmed, current = excluded.current
            """, arguments: [
                id, current.delegation, current.ministerial, current.text(.area) ?? "", current.status.rawValue,
                try confirmed.map { try CanonicalJSON.string($0) }, try CanonicalJSON.string(current), createdSeq,
            ])
    }

    /// Recomputes `current` from `confirmed` and every outbox row of the pledge, oldest first.
    mutating func recomputeCurrent(_ db: Database) throws {
        var pledge = Pledge(id: id, fields: confirmed?.mapValues(\.value) ?? [:])
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT fields FROM outbox WHERE pledge_id = ? ORDER BY seq"), arguments: [id]) {
            let fields = try CanonicalJSON.decode(FieldMap.self, from: row["fields"] as String)
            for (field, value) in fields { pledge[field] = value }
        }
        current = pledge
    }

    static func nextCreatedSeq(_ db: Database) throws -> Int {
        (try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(created_seq) FROM pledge")) ?? 0) + 1
    }
}
