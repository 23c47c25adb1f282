import Foundation
import GRDB
import PledgeModel
import PledgeSecurity

/// A sealed outbox change, ready to send: its exact bytes never change once sealed.
public struct SealedChange: Sendable {
    /// The change id.
    public let changeId: String
    /// The pledge the change edits.
    public let pledgeId: String
    /// The change as JSON, sent byte for byte on every retry.
    public let body: Data
}

extension NodeStore {
    /// Seals unsent changes (up to `limit` in all) and returns the oldest sealed changes, in outbox order.
    ///
    /// Sealing fixes a change's bytes in the same transaction that reads it, so a retry after a
    /// crash or timeout sends exactly what may already have reached the registry.
    public func sealedChanges(limit: Int) throws -> [SealedChange] {
        try database.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY seq LIMIT ?", arguments: [limit])
            guard let identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            let privateKey = try Self.devicePrivateKey(db)
            let now = Timestamp.now()
            return try rows.map { row in
                let changeId: String = row["change_id"]
                if let body = row["body"] as Data? { return SealedChange(changeId: changeId, pledgeId: row["pledge_id"], body: body) }
                var change = Change(
                    changeId: changeId, pledgeId: row["pledge_id"],
                    fields: try JSONCoding.decode(FieldMap.self, from: row["fields"] as String),
                    bases: try JSONCoding.decode([PledgeField: BaseVersion].self, from: row["bases"] as String),
                    resolves: try JSONCoding.decode([String].self, from: row["resolves"] as String),
                    device: identity.device, madeAt: row["made_at"])
                change.signature = try Signatures.sign(try Signatures.signedBytes(of: change), privateKey: privateKey)
                let body = try JSONCoding.encode(change)
                try db.execute(sql: "UPDATE outbox SET body = ?, sent_at = ? WHERE change_id = ?", arguments: [body, now, changeId])
                return SealedChange(changeId: changeId, pledgeId: change.pledgeId, body: body)
            }
        }
    }

    /// The changes a push would send now, without sealing them (for `sync --dry-run`).
    public func unsentPreview() throws -> [Change] {
        try database.read { db in
            let device = try Self.identity(db)?.device ?? ""
            return try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY seq").map { row in
                if let body = row["body"] as Data? { return try JSONCoding.decode(Change.self, from: body) }
                return Change(changeId: row["change_id"], pledgeId: row["pledge_id"],
                              fields: try JSONCoding.decode(FieldMap.self, from: row["fields"] as String),
                              bases: try JSONCoding.decode([PledgeField: BaseVersion].self, from: row["bases"] as String),
                              resolves: try JSONCoding.decode([String].self, from: row["resolves"] as String),
                              device: device, madeAt: row["made_at"])
            }
        }
    }

    /// Records the registry's answers: acknowledged changes leave the outbox and their fields'
    /// confirmed values and versions are updated, all in one transaction.
    public func applyPushResults(_ results: [ChangeResult]) throws {
        try database.write { db in
            for result in results {
                guard let pledgeId = try String.fetchOne(db, sql: "SELECT pledge_id FROM outbox WHERE change_id = ?", arguments: [result.changeId]) else { continue }
                guard var stored = try StoredPledge.fetch(db, id: pledgeId) else {
                    try db.execute(sql: "DELETE FROM outbox WHERE change_id = ?", arguments: [result.changeId])
                    continue
                }
                if result.outcome == .rejected {
                    let fields = try String.fetchOne(db, sql: "SELECT fields FROM outbox WHERE change_id = ?", arguments: [result.changeId]) ?? "{}"
                    try db.execute(sql: "INSERT OR REPLACE INTO rejected_change(change_id, pledge_id, fields, reasons, rejected_at) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [result.changeId, pledgeId, fields, try JSONCoding.string(result.reasons), Timestamp.now()])
                } else {
                    var confirmed = stored.confirmed ?? [:]
                    for (field, versioned) in result.fields where versioned.version >= (confirmed[field]?.version ?? 0) {
                        confirmed[field] = versioned
                    }
                    stored.confirmed = confirmed
                }
                try db.execute(sql: "DELETE FROM outbox WHERE change_id = ?", arguments: [result.changeId])
                if result.outcome == .rejected, stored.confirmed == nil {
                    // A creation the registry refused: the pledge exists nowhere else, and later edits
                    // of it cannot apply either. They are kept as refused, with the same reasons.
                    for row in try Row.fetchAll(db, sql: "SELECT change_id, fields FROM outbox WHERE pledge_id = ?", arguments: [pledgeId]) {
                        let reasons = [Rejection(code: "creation-refused", message: "the pledge's creation was refused: "
                                                 + result.reasons.map(\.message).joined(separator: "; "))]
                        try db.execute(sql: "INSERT OR REPLACE INTO rejected_change(change_id, pledge_id, fields, reasons, rejected_at) VALUES (?, ?, ?, ?, ?)",
                                       arguments: [row["change_id"] as String, pledgeId, row["fields"] as String, try JSONCoding.string(reasons), Timestamp.now()])
                    }
                    try db.execute(sql: "DELETE FROM outbox WHERE pledge_id = ?", arguments: [pledgeId])
                    try db.execute(sql: "DELETE FROM pledge WHERE id = ?", arguments: [pledgeId])
                    try db.execute(sql: "DELETE FROM conflict WHERE pledge_id = ?", arguments: [pledgeId])
                    continue
                }
                try stored.recomputeCurrent(db)
                try stored.save(db)
            }
        }
    }

    /// The pull cursor stored with the last committed page (empty: from the beginning).
    public func pullCursor() throws -> String {
        try database.read { db in try Self.setting(db, "cursor") ?? "" }
    }

    /// Commits one pulled page and its cursor in a single transaction, so an interrupted pull resumes here.
    ///
    /// Confirmed state is replaced; pending local edits stay on top of it.
    public func applyPullPage(_ page: PullPage) throws {
        try database.write { db in
            let hasOutbox = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 > 0
            var nextSeq = try StoredPledge.nextCreatedSeq(db)
            for state in page.pledges {
                var stored: StoredPledge
                if var existing = try StoredPledge.fetch(db, id: state.id) {
                    existing.confirmed = state.fields
                    stored = existing
                } else {
                    stored = StoredPledge(id: state.id, confirmed: state.fields, current: state.pledge, createdSeq: nextSeq)
                    nextSeq += 1
                }
                if hasOutbox { try stored.recomputeCurrent(db) } else { stored.current = state.pledge }
                try stored.save(db)
                try db.execute(sql: "DELETE FROM conflict WHERE pledge_id = ?", arguments: [state.id])
                for conflict in state.conflicts where conflict.state == .open {
                    try db.execute(sql: "INSERT OR REPLACE INTO conflict(id, pledge_id, record) VALUES (?, ?, ?)",
                                   arguments: [conflict.id, conflict.pledgeId, try JSONCoding.string(conflict)])
                }
            }
            try Self.setSetting(db, "cursor", page.cursor)
        }
    }

    /// Notes the time of a completed sync, for `pledge status`.
    public func recordSyncFinished() throws {
        try database.write { db in try Self.setSetting(db, "last_sync", Timestamp.now()) }
    }

    /// Queues a resolution of an open conflict: the chosen candidate's value, or a new value.
    public func resolve(conflict conflictId: String, taking candidate: Int?, value: String?) throws {
        try database.write { db in
            guard let identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            let key = conflictId.trimmingWhitespace().lowercased()
            // An exact id, or a prefix of at least 4 characters that names exactly one conflict.
            let matches = key.count < 4 ? try String.fetchAll(db, sql: "SELECT record FROM conflict WHERE id = ?", arguments: [key])
                : try String.fetchAll(db, sql: "SELECT record FROM conflict WHERE substr(id, 1, ?) = ?", arguments: [key.count, key])
            guard matches.count == 1, let text = matches.first else { throw StoreError.conflictNotFound(conflictId) }
            let conflict = try JSONCoding.decode(ConflictRecord.self, from: text)
            let chosen: FieldValue
            if let candidate {
                guard let match = conflict.candidates.first(where: { $0.number == candidate }) else {
                    let numbers = conflict.candidates.map { String($0.number) }.joined(separator: ", ")
                    throw StoreError.invalid(ValidationFailure([ValidationIssue(fieldName: "take", message: "take (\(candidate)) must be one of the candidates \(numbers)")]))
                }
                chosen = match.value
            } else {
                chosen = try FieldValue.parse(value ?? "", for: conflict.field)
            }
            // WriteRules (inside applyEdit) decide who may resolve: the Secretariat any conflict, a
            // delegation only those on fields of its own pledges that it owns.
            var stored = try Self.resolve(db, key: conflict.pledgeId)
            try Self.applyEdit(db, to: &stored, changes: [conflict.field: chosen], resolving: [conflict.id], identity: identity)
        }
    }
}
