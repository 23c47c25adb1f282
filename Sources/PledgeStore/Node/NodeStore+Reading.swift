import Foundation
import GRDB
import PledgeModel

extension NodeStore {
    /// Which pledges `pledges(matching:)` returns; nil means any.
    public struct Filter: Sendable {
        /// Ministerial code.
        public var ministerial: String?
        /// Primary area.
        public var area: String?
        /// Status.
        public var status: String?
        /// Delegation code.
        public var delegation: String?

        /// Creates a filter.
        public init(ministerial: String? = nil, area: String? = nil, status: String? = nil, delegation: String? = nil) {
            self.ministerial = ministerial
            self.area = area
            self.status = status
            self.delegation = delegation
        }
    }

    /// Every pledge matching `filter`, in the order they reached this node.
    public func pledges(matching filter: Filter = Filter()) throws -> [PledgeRecord] {
        try database.read { db in
            var clauses: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            for (column, value) in [("ministerial", filter.ministerial), ("area", filter.area), ("status", filter.status), ("delegation", filter.delegation)] {
                if let value { clauses.append("\(column) = ?"); arguments.append(value) }
            }
            let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            let rows = try Row.fetchAll(db, sql: "SELECT id, confirmed, current, created_seq FROM pledge \(whereClause) ORDER BY created_seq",
                                        arguments: StatementArguments(arguments))
            let pending = try Self.pendingFieldsByPledge(db)
            let conflicts = try Self.openConflictsByPledge(db)
            return try rows.map { try Self.record(StoredPledge(row: $0), pending: pending, conflicts: conflicts) }
        }
    }

    /// The pledge with this id, id prefix or reference.
    public func pledge(_ key: String) throws -> PledgeRecord {
        try database.read { db in
            let stored = try Self.resolve(db, key: key)
            return Self.record(stored, pending: try Self.pendingFieldsByPledge(db, id: stored.id),
                               conflicts: try Self.openConflictsByPledge(db, id: stored.id))
        }
    }

    /// Every local edit of a pledge, oldest first, with whether the registry has confirmed it.
    public func history(_ key: String) throws -> (pledge: Pledge, entries: [HistoryEntry]) {
        try database.read { db in
            let stored = try Self.resolve(db, key: key)
            let device = try Self.identity(db)?.device ?? ""
            let sealedThrough = try Self.sealedThrough(db)
            let outbox = try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, change_id, body FROM outbox WHERE pledge_id = ?"), arguments: [stored.id])
            let sentness = Dictionary(outbox.map { ($0["change_id"] as String, Self.isSealed($0, sealedThrough: sealedThrough)) },
                                      uniquingKeysWith: { a, _ in a })
            let entries = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM local_history WHERE pledge_id = ? ORDER BY seq"), arguments: [stored.id]).map { row in
                let changeId: String = row["change_id"]
                let state = sentness[changeId].map { $0 ? "sent" : "pending" } ?? "confirmed"
                return HistoryEntry(at: row["at"], field: row["field"],
                                    oldValue: try CanonicalJSON.decode(FieldValue.self, from: row["old_value"] as String),
                                    newValue: try CanonicalJSON.decode(FieldValue.self, from: row["new_value"] as String),
                                    changeId: changeId, by: device, state: state)
            }
            return (stored.current, entries)
        }
    }

    /// Changes waiting in the outbox (cheap: no scan of the pledges).
    public func pendingChangeCount() throws -> Int {
        // One statement reads a consistent count on its own. GRDB's transactions (a read one also
        // switches `query_only` on and off) around this, the cursor read and the last-sync write were
        // half of a no-op sync's node side (docs/performance.md, step 34).
        try database.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox")) ?? 0 }
    }

    /// Counts of pending work and open questions, for `pledge status`.
    public func status() throws -> NodeStatus {
        let publicKey = try devicePublicKey()
        return try database.read { db in
            guard let identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            let queried = try String.fetchAll(db.cachedStatement(sql: "SELECT COALESCE(json_extract(current, '$.ref'), id) FROM pledge WHERE json_extract(current, '$.review') = 'QUERIED' ORDER BY created_seq"))
            return NodeStatus(
                delegation: identity.delegation, device: identity.device, devicePublicKey: publicKey, registry: identity.registryURL,
                pledges: try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM pledge")) ?? 0,
                pendingChanges: try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox")) ?? 0,
                sentUnacknowledged: try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE \(Self.sealedCondition)"),
                                                     arguments: [try Self.sealedThrough(db)]) ?? 0,
                openConflicts: try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM conflict")) ?? 0,
                rejectedChanges: try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM rejected_change")) ?? 0,
                rejected: try Self.rejectedChanges(db),
                queriedPledges: queried,
                lastSync: try Self.setting(db, "last_sync"),
                registryLogHead: try Self.setting(db, "audit_head"))
        }
    }

    /// Open conflicts in scope, oldest first.
    public func conflicts() throws -> [ConflictRecord] {
        try database.read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT record FROM conflict ORDER BY rowid")).map { try CanonicalJSON.decode(ConflictRecord.self, from: $0) }
        }
    }

    /// How many open conflicts the node holds (without reading them).
    public func openConflictCount() throws -> Int {
        try database.read { db in try Self.openConflictCount(db) }
    }

    static func openConflictCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM conflict")) ?? 0
    }

    /// Changes the registry refused, with its reasons, oldest first.
    public func rejectedChanges() throws -> [RejectedChange] {
        try database.read { db in try Self.rejectedChanges(db) }
    }

    static func rejectedChanges(_ db: Database) throws -> [RejectedChange] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT change_id, pledge_id, reasons, rejected_at FROM rejected_change ORDER BY rowid")).map {
            RejectedChange(changeId: $0["change_id"], pledgeId: $0["pledge_id"], rejectedAt: $0["rejected_at"],
                           reasons: try CanonicalJSON.decode([Rejection].self, from: $0["reasons"] as String))
        }
    }

    static func record(_ stored: StoredPledge, pending: [String: Set<PledgeField>], conflicts: [String: [ConflictRecord]]) -> PledgeRecord {
        PledgeRecord(pledge: stored.current,
                     pendingFields: (pending[stored.id] ?? []).sorted(),
                     isOnRegistry: stored.confirmed != nil,
                     versions: stored.confirmed?.mapValues(\.version) ?? [:],
                     conflicts: conflicts[stored.id] ?? [],
                     warnings: PledgeValidator.validate(stored.current).warnings.map(\.message))
    }

    static func pendingFieldsByPledge(_ db: Database, id: String? = nil) throws -> [String: Set<PledgeField>] {
        let rows = try id.map { try Row.fetchAll(db.cachedStatement(sql: "SELECT pledge_id, fields FROM outbox WHERE pledge_id = ?"), arguments: [$0]) }
            ?? Row.fetchAll(db.cachedStatement(sql: "SELECT pledge_id, fields FROM outbox"))
        var result: [String: Set<PledgeField>] = [:]
        for row in rows {
            let fields = try CanonicalJSON.decode(FieldMap.self, from: row["fields"] as String)
            result[row["pledge_id"], default: []].formUnion(fields.keys)
        }
        return result
    }

    static func openConflictsByPledge(_ db: Database, id: String? = nil) throws -> [String: [ConflictRecord]] {
        let texts = try id.map { try String.fetchAll(db.cachedStatement(sql: "SELECT record FROM conflict WHERE pledge_id = ? ORDER BY rowid"), arguments: [$0]) }
            ?? String.fetchAll(db.cachedStatement(sql: "SELECT record FROM conflict ORDER BY rowid"))
        return Dictionary(grouping: try texts.map { try CanonicalJSON.decode(ConflictRecord.self, from: $0) }, by: \.pledgeId)
    }
}
