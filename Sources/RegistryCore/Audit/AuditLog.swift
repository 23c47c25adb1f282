import Foundation
import GRDB
import PledgeSchema
import PledgeModel

/// Appends to and reads the registry's hash-chained change log.
///
/// Made once per write transaction: the transaction holds SQLite's write lock, so no other writer
/// can append in between, and the chain's head is read once and then carried in memory.
final class AuditLog {
    let db: Database
    private var head: (id: Int, hash: String)?

    init(db: Database) {
        self.db = db
    }

    /// Appends one entry for what a change did of one kind to several fields, chaining it to the last.
    ///
    /// One entry per change and kind, not per field: an entry is a hashed row with an index entry,
    /// and thirteen of them per new pledge were a third of the registry's push time (docs/performance.md).
    /// `valuesJSON`, when given, is `CanonicalJSON.string(values)` already made.
    func append(seq: Int, changeId: String, pledgeId: String, values: FieldMap, valuesJSON: String? = nil,
                kind: String, actor: String, at: String) throws {
        guard !values.isEmpty else { return }
        let last = try head ?? lastEntry()
        // The field names in sorted order, comma-separated, appended in place (sorting and joining
        // an array of names for every entry was 1.4% of the registry's push).
        var fields = ""
        for field in PledgeField.sortedByName where values[field] != nil {
            if !fields.isEmpty { fields += "," }
            fields += field.rawValue
        }
        var entry = AuditEntry(id: last.id + 1, seq: seq, changeId: changeId, pledgeId: pledgeId,
                               field: fields, value: try valuesJSON ?? CanonicalJSON.string(values), kind: kind, actor: actor,
                               receivedAt: at, previousHash: last.hash, hash: "")
        entry.hash = entry.computedHash()
        try db.executeBound(sql: """
            INSERT INTO change_log(id, seq, change_id, pledge_id, field, value, kind, actor, received_at, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(entry.id), .integer(entry.seq), .text(entry.changeId), .text(entry.pledgeId), .text(entry.field), .text(entry.value),
                  .text(entry.kind), .text(entry.actor), .text(entry.receivedAt), .text(entry.previousHash), .text(entry.hash)])
        head = (entry.id, entry.hash)
    }

    /// The log's last entry (nil while the log is empty).
    func currentHead() throws -> AuditHead? {
        let last = try head ?? lastEntry()
        return last.id == 0 ? nil : AuditHead(entry: last.id, hash: last.hash)
    }

    private func lastEntry() throws -> (id: Int, hash: String) {
        let row = try Row.fetchOne(db, sql: "SELECT id, hash FROM change_log ORDER BY id DESC LIMIT 1")
        return (row?["id"] ?? 0, row?["hash"] ?? AuditEntry.genesisHash)
    }

    /// Entries in log order, optionally for one pledge.
    func entries(pledge: String? = nil) throws -> [AuditEntry] {
        let sql = "SELECT * FROM change_log" + (pledge == nil ? "" : " WHERE pledge_id = ?") + " ORDER BY id"
        return try Row.fetchAll(db, sql: sql, arguments: pledge.map { [$0] } ?? []).map(AuditEntry.init(row:))
    }
}

extension AuditEntry {
    init(row: Row) {
        self.init(id: row["id"], seq: row["seq"], changeId: row["change_id"], pledgeId: row["pledge_id"], field: row["field"],
                  value: row["value"], kind: row["kind"], actor: row["actor"], receivedAt: row["received_at"],
                  previousHash: row["prev_hash"], hash: row["hash"])
    }
}
