import Foundation
import GRDB
import PledgeSchema
import PledgeModel

/// Opens, joins and closes conflict records. A candidate, once recorded, is never dropped.
struct ConflictLedger {
    let db: Database

    /// Records `value` as a candidate on the open conflict of this field (the one named by
    /// `joining` if it is still open), opening a conflict with the current value as candidate 1 if none is open.
    func addCandidate(pledgeId: String, field: PledgeField, value: FieldValue, current: VersionedValue?,
                      changeId: String, actor: String, at: String, joining: String?, seq: Int) throws -> String {
        var record: ConflictRecord
        if let open = try openConflict(pledgeId: pledgeId, field: field, preferring: joining) {
            record = open
        } else {
            // The last entry that set the field: it names the field alone (older entries) or in its list.
            let setter = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT change_id, actor, received_at FROM change_log
                WHERE pledge_id = ?1 AND kind IN ('applied', 'resolution') AND instr(',' || field || ',', ',' || ?2 || ',') > 0
                ORDER BY id DESC LIMIT 1
                """), arguments: [pledgeId, field.rawValue])
            let kept = ConflictCandidate(number: 1, value: current?.value ?? .null, changeId: setter?["change_id"] ?? "",
                                         actor: setter?["actor"] ?? "", receivedAt: setter?["received_at"] ?? "")
            record = ConflictRecord(id: UUID().uuidString.lowercased(), pledgeId: pledgeId, field: field, state: .open,
                                    candidates: [kept], openedAt: at)
            try db.executeCached(sql: "INSERT INTO conflict(id, pledge_id, field, state, record, opened_seq) VALUES (?, ?, ?, 'open', '{}', ?)",
                           arguments: [record.id, pledgeId, field.rawValue, seq])
        }
        if !record.candidates.contains(where: { $0.value == value }) {
            let number = (record.candidates.map(\.number).max() ?? 0) + 1
            record.candidates.append(ConflictCandidate(number: number, value: value, changeId: changeId, actor: actor, receivedAt: at))
        }
        try save(record)
        return record.id
    }

    /// Adds `value` as a candidate to the field's open conflict, if there is one.
    func addToOpenConflict(pledgeId: String, field: PledgeField, value: FieldValue, changeId: String, actor: String, at: String) throws {
        guard var record = try openConflict(pledgeId: pledgeId, field: field, preferring: nil) else { return }
        guard !record.candidates.contains(where: { $0.value == value }) else { return }
        let number = (record.candidates.map(\.number).max() ?? 0) + 1
        record.candidates.append(ConflictCandidate(number: number, value: value, changeId: changeId, actor: actor, receivedAt: at))
        try save(record)
    }

    /// Marks a conflict resolved with the value chosen.
    func close(_ conflict: ConflictRecord, with value: FieldValue, by actor: String) throws {
        var record = conflict
        record.state = .resolved
        record.resolution = value
        record.resolvedBy = actor
        try save(record)
    }

    private func openConflict(pledgeId: String, field: PledgeField, preferring id: String?) throws -> ConflictRecord? {
        let text = try id.flatMap {
            try String.fetchOne(db.cachedStatement(sql: "SELECT record FROM conflict WHERE id = ? AND state = 'open'"), arguments: [$0])
        } ?? String.fetchOne(db.cachedStatement(sql: "SELECT record FROM conflict WHERE pledge_id = ? AND field = ? AND state = 'open' ORDER BY opened_seq LIMIT 1"),
                             arguments: [pledgeId, field.rawValue])
        return try text.map { try CanonicalJSON.decode(ConflictRecord.self, from: $0) }
    }

    private func save(_ record: ConflictRecord) throws {
        try db.executeCached(sql: "UPDATE conflict SET state = ?, record = ? WHERE id = ?",
                       arguments: [record.state.rawValue, try CanonicalJSON.string(record), record.id])
    }
}
