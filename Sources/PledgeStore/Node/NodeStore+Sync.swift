import Foundation
import GRDB
import PledgeSchema
import PledgeModel
import PledgeSecurity

/// A sealed outbox change, ready to send: its exact bytes never change once sealed.
public struct SealedChange: Sendable {
    /// The change's place in the outbox.
    public let seq: Int
    /// The change id.
    public let changeId: String
    /// The pledge the change edits.
    public let pledgeId: String
    /// The change as JSON, sent byte for byte on every retry.
    public let body: Data
    /// Whether `body` was stored by an earlier version, which may have signed it; a body this
    /// version splices from the row is the unsigned change.
    let isStoredBody: Bool
}

extension NodeStore {
    /// Seals unsent changes (up to `limit` in all) and returns the oldest sealed changes, in outbox
    /// order, after outbox position `after` (changes up to it are already on their way).
    ///
    /// Sealing fixes a change's content in the same transaction that reads it, so a retry after a
    /// crash or timeout sends exactly what may already have reached the registry: a sealed row never
    /// takes a later edit (`queue` coalesces into unsealed rows only). A change's bytes are its
    /// canonical JSON spliced from the row (its columns are canonical JSON) and the node's device,
    /// which never changes, so they are made again on each send rather than stored; sealing moves one
    /// watermark (`sealed_through`) instead of writing every row, which was a fifth of the node's push
    /// CPU (docs/performance.md, step 28). Rows sealed by an earlier version keep their stored `body`,
    /// which may carry a signature. A sealed change is not signed on its own: each push signs its
    /// batch (`batchSignature(of:)`), a bundle each change.
    public func sealedChanges(limit: Int, after: Int = 0) throws -> [SealedChange] {
        try database.write { db in
            guard let identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            // Read through a cursor by column position: copying each row and looking its columns up
            // by name was a tenth of the node's push CPU (docs/performance.md, step 33).
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT seq, change_id, pledge_id, body, bases, fields, resolves, made_at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?
                """), arguments: [after, limit])
            var changes: [SealedChange] = []
            while let row = try rows.next() {
                let changeId: String = row[1], pledgeId: String = row[2]
                let stored = row[3] as Data?
                let body = stored ?? Data(Change.canonicalJSON(
                    changeId: changeId, pledgeId: pledgeId, basesJSON: row[4], fieldsJSON: row[5],
                    resolvesJSON: row[6], device: identity.device, madeAt: row[7]))
                changes.append(SealedChange(seq: row[0], changeId: changeId, pledgeId: pledgeId, body: body, isStoredBody: stored != nil))
            }
            // Every row up to the last one read is now sealed (those up to `after` already were).
            if let last = changes.last?.seq, last > (try Self.sealedThrough(db)) {
                try Self.setSetting(db, "sealed_through", String(last))
            }
            return changes
        }
    }

    /// The outbox position up to which every change is sealed; a row with a stored `body` (sealed by
    /// an earlier version) is sealed wherever it is. Sound because the outbox's `seq` is
    /// `AUTOINCREMENT`: a position is never given again, so a new row always lands above the mark.
    static func sealedThrough(_ db: Database) throws -> Int {
        try setting(db, "sealed_through").flatMap { Int($0) } ?? 0
    }

    /// Whether an outbox row (read with its `seq` and `body`) is sealed, given `sealedThrough(db)`.
    static func isSealed(_ row: Row, sealedThrough: Int) -> Bool {
        (row["body"] as Data?) != nil || (row["seq"] as Int) <= sealedThrough
    }

    /// `isSealed` as SQL, with `sealedThrough(db)` as its one argument.
    static let sealedCondition = "(body IS NOT NULL OR seq <= ?)"

    /// The device's signature over a push batch of sealed changes: one Ed25519 signature over their
    /// content hashes, in order (`Signatures.signedBytes(ofBatch:)`).
    public func batchSignature(of batch: [SealedChange]) throws -> String {
        let key = try database.write { db in try SigningKey(privateKey: try Self.devicePrivateKey(db)) }
        return try key.sign(Signatures.signedBytes(ofBatch: try batch.map(Self.contentHash(ofSealed:))))
    }

    /// The member a signed change body carries and an unsigned one does not.
    private static let signatureMember = Data(#""signature":"#.utf8)

    /// The registry's content hash of a sealed change. A body sealed by this version is the
    /// unsigned change's canonical JSON, so it is the hash of the body as it is; one sealed by an
    /// older version carries a signature, which the content hash leaves out.
    static func contentHash(ofSealed change: SealedChange) throws -> String {
        // A body spliced now is unsigned: no need to look (the search was 3% of the node's push CPU).
        guard change.isStoredBody else { return Digest.sha256(change.body) }
        // In canonical JSON a quote inside a string is escaped, so this only matches the member.
        guard change.body.range(of: signatureMember) != nil else { return Digest.sha256(change.body) }
        return try Signatures.contentHash(of: try CanonicalJSON.decode(Change.self, from: change.body))
    }

    /// The changes a push would send now, without sealing them (for `sync --dry-run`).
    public func unsentPreview() throws -> [Change] {
        try database.read { db in
            let device = try Self.identity(db)?.device ?? ""
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM outbox ORDER BY seq")).map { row in
                if let body = row["body"] as Data? { return try CanonicalJSON.decode(Change.self, from: body) }
                return Change(changeId: row["change_id"], pledgeId: row["pledge_id"],
                              fields: try CanonicalJSON.decode(FieldMap.self, from: row["fields"] as String),
                              bases: try CanonicalJSON.decode(FieldDictionary<BaseVersion>.self, from: row["bases"] as String),
                              resolves: try CanonicalJSON.decode([String].self, from: row["resolves"] as String),
                              device: device, madeAt: row["made_at"])
            }
        }
    }

    /// Records the registry's answers: acknowledged changes leave the outbox and their fields'
    /// confirmed values and versions are updated, all in one transaction, with the change log's
    /// head the registry signed with them (kept if it is the latest this node was given).
    public func applyPushResults(_ results: [ChangeResult], auditHead: AuditHead? = nil) throws {
        try database.write { db in
            if let auditHead, auditHead.entry > (try Self.setting(db, "audit_head").flatMap(AuditHead.init)?.entry ?? 0) {
                try Self.setSetting(db, "audit_head", auditHead.description)
            }
            for result in results {
                // Every answered change leaves the outbox, whatever the answer, taken out and read in
                // one statement: a refusal keeps the change's fields, any other answer needs only its pledge.
                let pledgeId: String, refusedFields: String?
                if result.outcome == .rejected {
                    guard let row = try Row.fetchOne(db.cachedStatement(sql: "DELETE FROM outbox WHERE change_id = ? RETURNING pledge_id, fields"),
                                                     arguments: [result.changeId]) else { continue }
                    (pledgeId, refusedFields) = (row[0], row[1])
                } else {
                    guard let id = try db.stepBound(sql: "DELETE FROM outbox WHERE change_id = ? RETURNING pledge_id", [.text(result.changeId)],
                                                    read: { $0.text(0) }) ?? nil else { continue }
                    (pledgeId, refusedFields) = (id, nil)
                }
                // `current` is recomputed below from confirmed and what is still in the outbox.
                guard case (var stored, let waitsInOutbox)? = try StoredPledge.fetchConfirmed(db, id: pledgeId) else { continue }
                if result.outcome == .rejected {
                    try db.executeCached(sql: "INSERT OR REPLACE INTO rejected_change(change_id, pledge_id, fields, reasons, rejected_at) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [result.changeId, pledgeId, refusedFields, try CanonicalJSON.string(result.reasons), Timestamp.now()])
                } else {
                    var everyValueTaken = true
                    // A new pledge's first confirmed state is the answer's `fields`: stored as the
                    // reply's text of it when the sync kept one (a reply whose receipt signs its
                    // bytes as sent, already read), not written again (that was a fifteenth of the
                    // node's push CPU, docs/performance.md).
                    var confirmedJSON: String?
                    if var confirmed = stored.confirmed {
                        for (field, versioned) in result.fields {
                            if versioned.version >= (confirmed[field]?.version ?? 0) { confirmed[field] = versioned } else { everyValueTaken = false }
                        }
                        stored.confirmed = confirmed
                    } else {
                        // A creation's answer: the registry's first state of the pledge.
                        stored.confirmed = result.fields
                        confirmedJSON = result.fieldsJSONAsReceived
                    }
                    // The shown pledge is confirmed overlaid with the outbox. A change applied as sent
                    // (the registry answers the values it sent) whose every value was taken, with no
                    // later edit of the pledge waiting, leaves it as it was: only `confirmed` is
                    // written (encoding `current` again was a tenth of recording an answer).
                    if result.outcome == .applied, everyValueTaken, !waitsInOutbox, let confirmed = stored.confirmed {
                        try db.executeBound(sql: "UPDATE pledge SET confirmed = ? WHERE id = ?",
                                            [.text(try confirmedJSON ?? CanonicalJSON.string(confirmed)), .text(pledgeId)])
                        continue
                    }
                }
                if result.outcome == .rejected, stored.confirmed == nil {
                    // A creation the registry refused: the pledge exists nowhere else, and later edits
                    // of it cannot apply either. They are kept as refused, with the same reasons.
                    for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT change_id, fields FROM outbox WHERE pledge_id = ?"), arguments: [pledgeId]) {
                        let reasons = [Rejection(code: "creation-refused", message: "the pledge's creation was refused: "
                                                 + result.reasons.map(\.message).joined(separator: "; "))]
                        try db.executeCached(sql: "INSERT OR REPLACE INTO rejected_change(change_id, pledge_id, fields, reasons, rejected_at) VALUES (?, ?, ?, ?, ?)",
                                       arguments: [row["change_id"] as String, pledgeId, row["fields"] as String, try CanonicalJSON.string(reasons), Timestamp.now()])
                    }
                    try db.executeCached(sql: "DELETE FROM outbox WHERE pledge_id = ?", arguments: [pledgeId])
                    try db.executeCached(sql: "DELETE FROM pledge WHERE id = ?", arguments: [pledgeId])
                    try db.executeCached(sql: "DELETE FROM conflict WHERE pledge_id = ?", arguments: [pledgeId])
                    continue
                }
                try stored.recomputeCurrent(db)
                try stored.save(db)
            }
        }
    }

    /// The pull cursor stored with the last committed page (empty: from the beginning).
    public func pullCursor() throws -> String {
        // A single statement, read without a transaction around it (see `pendingChangeCount`).
        try database.inDatabase { db in try Self.setting(db, "cursor") ?? "" }
    }

    /// Commits one pulled page and its cursor in a single transaction, so an interrupted pull resumes here.
    ///
    /// Confirmed state is replaced; pending local edits stay on top of it. `requestedAfter` is the
    /// cursor the page was asked for, when the caller knows it (else the stored one is read).
    public func applyPullPage(_ page: PullPage, requestedAfter: String? = nil) throws {
        // An empty page that leaves the cursor where it is (every no-op sync) changes nothing: no write.
        if page.pledges.isEmpty, page.left == nil, try page.cursor == (requestedAfter ?? pullCursor()) { return }
        try database.write { db in
            try Self.dropCopies(db, leftScope: page.left ?? [])
            let hasOutbox = try Int.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM outbox)")) ?? 0 > 0
            var nextSeq = try StoredPledge.nextCreatedSeq(db)
            for state in page.pledges {
                var stored = StoredPledge(id: state.id, confirmed: state.fields, current: state.pledge, createdSeq: nextSeq)
                // The save keeps an existing row's created_seq, so only pending edits need the row read.
                nextSeq += 1
                if hasOutbox { try stored.recomputeCurrent(db) }
                try stored.save(db)
            }
            try Self.replaceConflicts(db, of: page.pledges)
            try Self.setSetting(db, "cursor", page.cursor)
        }
    }

    /// Drops the node's copy of pledges that left its scope (a joint pledge that no longer names this
    /// delegation), with their conflicts. A pledge with changes still in the outbox stays until they
    /// are answered: nothing unsent is thrown away.
    private static func dropCopies(_ db: Database, leftScope ids: [String]) throws {
        for id in ids {
            let pending = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM outbox WHERE pledge_id = ?)"), arguments: [id]) ?? false
            guard !pending else { continue }
            try db.executeCached(sql: "DELETE FROM pledge WHERE id = ?", arguments: [id])
            try db.executeCached(sql: "DELETE FROM conflict WHERE pledge_id = ?", arguments: [id])
        }
    }

    /// Replaces the node's conflicts of a page's pledges with the registry's open ones, in one delete.
    private static func replaceConflicts(_ db: Database, of pledges: [PledgeState]) throws {
        guard !pledges.isEmpty else { return }
        try db.execute(sql: "DELETE FROM conflict WHERE pledge_id IN (\(Database.placeholders(pledges.count)))",
                       arguments: StatementArguments(pledges.map(\.id)))
        for state in pledges {
            for conflict in state.conflicts where conflict.state == .open {
                try db.executeCached(sql: "INSERT OR REPLACE INTO conflict(id, pledge_id, record) VALUES (?, ?, ?)",
                                     arguments: [conflict.id, conflict.pledgeId, try CanonicalJSON.string(conflict)])
            }
        }
    }

    /// Notes the time of a completed sync, for `pledge status`, and returns the open conflicts in
    /// scope, for the sync's report.
    @discardableResult
    public func recordSyncFinished() throws -> Int {
        // Two autocommit statements, without an explicit transaction around them (a no-op sync
        // touches the store as little as it can, docs/performance.md, step 34): the write commits by
        // itself, and the count, only reported, may include another process's commit in between.
        try database.inDatabase { db in
            try Self.setSetting(db, "last_sync", Timestamp.now())
            return try Self.openConflictCount(db)
        }
    }

    /// Queues a resolution of an open conflict: the chosen candidate's value, or a new value.
    public func resolve(conflict conflictId: String, taking candidate: Int?, value: String?) throws {
        try database.write { db in
            guard let identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            let key = conflictId.trimmingWhitespace().lowercased()
            // An exact id, or a prefix of at least 4 characters that names exactly one conflict.
            let matches = key.count < 4 ? try String.fetchAll(db.cachedStatement(sql: "SELECT record FROM conflict WHERE id = ?"), arguments: [key])
                : try String.fetchAll(db.cachedStatement(sql: "SELECT record FROM conflict WHERE substr(id, 1, ?) = ?"), arguments: [key.count, key])
            guard matches.count == 1, let text = matches.first else { throw StoreError.conflictNotFound(conflictId) }
            let conflict = try CanonicalJSON.decode(ConflictRecord.self, from: text)
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
