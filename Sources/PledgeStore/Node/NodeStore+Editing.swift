import Foundation
import GRDB
import PledgeSchema
import PledgeModel

extension NodeStore {
    /// Creates a pledge from `fields`, fills in the delegation, status and reference, and queues it for sync.
    ///
    /// Returns the new pledge and any advisory warnings. Nothing is written if a rule is broken.
    @discardableResult
    public func create(_ fields: FieldMap, id: String? = nil) throws -> (pledge: Pledge, warnings: [ValidationIssue]) {
        try database.write { db in
            guard let identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            return try Self.insertNew(db, fields: fields, id: id ?? Identifier.make(), identity: identity)
        }
    }

    /// Applies `changes` (a `.null` value clears a field) to a pledge and queues them for sync.
    ///
    /// Fields whose value does not change are ignored; returns the advisory warnings.
    @discardableResult
    public func edit(_ key: String, setting changes: FieldMap, resolving conflicts: [String] = []) throws -> [ValidationIssue] {
        try database.write { db in
            guard let identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            var stored = try Self.resolve(db, key: key)
            return try Self.applyEdit(db, to: &stored, changes: changes, resolving: conflicts, identity: identity)
        }
    }

    /// Withdraws a pledge (a submitted pledge is never deleted), with an optional reason.
    public func withdraw(_ key: String, reason: String?) throws {
        var changes: FieldMap = [.status: .text(PledgeStatus.withdrawn.rawValue)]
        if let reason { changes[.withdrawalReason] = .text(reason) }
        try edit(key, setting: changes)
    }

    /// Imports pledges in one transaction: all of them, or (on any error) none.
    ///
    /// A pledge whose id exists is updated field by field, for the fields in `columns`; others are
    /// created. `lines` gives each pledge's line in the source file for error messages.
    public func importPledges(_ pledges: [Pledge], lines: [Int], columns: Set<PledgeField> = Set(PledgeField.allCases)) throws -> Int {
        try database.write { db in
            guard let identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            var failures: [ImportRowError] = []
            for (index, pledge) in pledges.enumerated() {
                do {
                    if var stored = try StoredPledge.fetch(db, id: pledge.id) {
                        var changes = pledge.fields
                        // A column in the file with an empty cell clears the field; a column not in the file leaves it.
                        for field in stored.current.fields.keys where changes[field] == nil && columns.contains(field) { changes[field] = .null }
                        try Self.applyEdit(db, to: &stored, changes: changes, resolving: [], identity: identity)
                    } else {
                        try Self.insertNew(db, fields: pledge.fields, id: pledge.id, identity: identity)
                    }
                } catch let error as StoreError {
                    failures.append(ImportRowError(line: lines[index], issues: error.description.split(separator: "\n").map(String.init)))
                }
            }
            // Throwing rolls back the whole transaction: a bad row means nothing is imported.
            if !failures.isEmpty { throw StoreError.importFailed(failures) }
            return pledges.count
        }
    }

    // MARK: Internals shared by create, edit and import

    @discardableResult
    static func insertNew(_ db: Database, fields: FieldMap, id: String, identity: NodeIdentity) throws -> (pledge: Pledge, warnings: [ValidationIssue]) {
        guard let canonicalId = CanonicalUUID(id)?.text else {
            throw StoreError.invalid(ValidationFailure([ValidationIssue(fieldName: "id", message: "id (\(id.prefix(60))) must be a UUID")]))
        }
        var pledge = Pledge(id: canonicalId, fields: fields)
        if let delegation = identity.delegation, pledge.text(.delegation) == nil { pledge[.delegation] = .text(delegation) }
        if pledge.text(.status) == nil { pledge[.status] = .text(PledgeStatus.announced.rawValue) }
        let report = PledgeValidator.validate(pledge)
        guard report.isValid else { throw StoreError.invalid(ValidationFailure(report.errors)) }
        let violations = WriteRules.violations(by: identity.principal, existing: nil, setting: pledge.fields)
        guard violations.isEmpty else { throw StoreError.forbidden(violations) }
        if pledge.text(.ref) == nil { pledge[.ref] = .text(try mintReference(db, for: pledge)) }
        try noteReference(db, pledge.text(.ref) ?? "", of: pledge)
        guard try StoredPledge.fetch(db, id: pledge.id) == nil else {
            throw StoreError.invalid(ValidationFailure([ValidationIssue(fieldName: "id", message: "id \(pledge.id) already exists")]))
        }
        var stored = StoredPledge(id: pledge.id, confirmed: nil, current: pledge, createdSeq: try StoredPledge.nextCreatedSeq(db))
        try queue(db, pledge: &stored, changes: pledge.fields, resolving: [], device: identity.device)
        return (stored.current, report.warnings)
    }

    @discardableResult
    static func applyEdit(_ db: Database, to stored: inout StoredPledge, changes: FieldMap, resolving conflicts: [String],
                          identity: NodeIdentity) throws -> [ValidationIssue] {
        var updated = stored.current
        for (field, value) in changes { updated[field] = value }
        let effective = changes.filter { field, _ in updated[field] != stored.current[field] }
        guard !effective.isEmpty || !conflicts.isEmpty else { return [] }
        let report = PledgeValidator.validate(updated)
        guard report.isValid else { throw StoreError.invalid(ValidationFailure(report.errors)) }
        // A resolution re-sends the chosen value even when the node already shows it.
        let queued = conflicts.isEmpty ? effective : changes
        // The rules apply to what is sent: a delegation resolving a conflict on a Secretariat field
        // whose value it already shows would otherwise send an edit the registry refuses.
        let violations = WriteRules.violations(by: identity.principal, existing: stored.current, setting: queued)
        guard violations.isEmpty else { throw StoreError.forbidden(violations) }
        try queue(db, pledge: &stored, changes: queued, resolving: conflicts, device: identity.device)
        return report.warnings
    }

    /// Records `changes` in the outbox (coalescing with an unsent change of the same pledge),
    /// in the local history, and in the pledge's current view.
    static func queue(_ db: Database, pledge stored: inout StoredPledge, changes: FieldMap, resolving conflicts: [String], device: String,
                      forcedBases: FieldDictionary<BaseVersion> = [:]) throws {
        let now = Timestamp.now()
        // Coalesce only into the pledge's newest outbox row, and only if it is unsent and not a
        // resolution: a later edit must stay later than everything queued before it.
        let newest = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, change_id, fields, bases, resolves, body FROM outbox WHERE pledge_id = ? ORDER BY seq DESC LIMIT 1"),
                                      arguments: [stored.id])
        let sealedThrough = try sealedThrough(db)
        let open = newest.flatMap { row in !isSealed(row, sealedThrough: sealedThrough) && (row["resolves"] as String) == "[]" ? row : nil }
        let changeId: String
        if let open, conflicts.isEmpty {
            changeId = open["change_id"]
            var fields = try CanonicalJSON.decode(FieldMap.self, from: open["fields"] as String)
            var bases = try CanonicalJSON.decode(FieldDictionary<BaseVersion>.self, from: open["bases"] as String)
            for (field, value) in changes {
                if let forced = forcedBases[field] { bases[field] = forced }
                if bases[field] == nil { bases[field] = try base(db, of: field, in: stored) }
                fields[field] = value
            }
            try db.executeCached(sql: "UPDATE outbox SET fields = ?, bases = ? WHERE change_id = ?",
                           arguments: [try CanonicalJSON.string(fields), try CanonicalJSON.string(bases), changeId])
        } else {
            changeId = Identifier.makeChangeId()
            var bases: FieldDictionary<BaseVersion> = [:]
            for field in changes.keys { bases[field] = try forcedBases[field] ?? base(db, of: field, in: stored) }
            try db.executeCached(sql: "INSERT INTO outbox(change_id, pledge_id, fields, bases, resolves, made_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [changeId, stored.id, try CanonicalJSON.string(changes), try CanonicalJSON.string(bases),
                                       try CanonicalJSON.string(conflicts), now])
        }
        for (field, value) in changes {  // in field order, as a field map keeps them
            try db.executeCached(sql: "INSERT INTO local_history(pledge_id, change_id, at, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [stored.id, changeId, now, field.rawValue,
                                       try CanonicalJSON.string(stored.current[field]), try CanonicalJSON.string(value)])
        }
        try stored.recomputeCurrent(db)
        try stored.save(db)
    }

    /// The base of a new edit of `field`: the latest sent-but-unacknowledged change of it, else the confirmed version.
    static func base(_ db: Database, of field: PledgeField, in stored: StoredPledge) throws -> BaseVersion {
        let sent = try Row.fetchAll(db.cachedStatement(sql: "SELECT change_id, fields FROM outbox WHERE pledge_id = ? AND \(sealedCondition) ORDER BY seq DESC"),
                                    arguments: [stored.id, try sealedThrough(db)])
        for row in sent {
            let fields = try CanonicalJSON.decode(FieldMap.self, from: row["fields"] as String)
            if fields[field] != nil { return .change(row["change_id"]) }
        }
        return .version(stored.confirmed?[field]?.version ?? 0)
    }

    /// A human reference such as `KOR-BER25-003`, unique on this node.
    ///
    /// The highest number per prefix is kept in a setting, so minting is one lookup, not a scan
    /// (a 20,000-row import mints 20,000 references).
    static func mintReference(_ db: Database, for pledge: Pledge) throws -> String {
        let prefix = referencePrefix(of: pledge)
        let highest = try highestReference(db, prefix: prefix)
        let number = String(highest + 1)
        return prefix + String(repeating: "0", count: max(0, 3 - number.count)) + number
    }

    /// Notes a reference in use, so later minted ones come after it.
    static func noteReference(_ db: Database, _ ref: String, of pledge: Pledge) throws {
        let prefix = referencePrefix(of: pledge)
        guard ref.hasPrefix(prefix), let number = Int(ref.dropFirst(prefix.count)) else { return }
        if number > (try highestReference(db, prefix: prefix)) { try setSetting(db, "ref:" + prefix, String(number)) }
    }

    private static func referencePrefix(of pledge: Pledge) -> String {
        "\(pledge.delegation)-\(ReferenceData.ministerialsByCode[pledge.ministerial]?.shortCode ?? "X")-"
    }

    private static func highestReference(_ db: Database, prefix: String) throws -> Int {
        if let kept = try setting(db, "ref:" + prefix).flatMap(Int.init) { return kept }
        // First use of this prefix on a store made before the counter existed: scan once.
        let refs = try String.fetchAll(db.cachedStatement(sql: "SELECT json_extract(current, '$.ref') FROM pledge WHERE json_extract(current, '$.ref') LIKE ?"),
                                       arguments: [prefix + "%"])
        let highest = refs.compactMap { Int($0.dropFirst(prefix.count)) }.max() ?? 0
        try setSetting(db, "ref:" + prefix, String(highest))
        return highest
    }

    /// Finds a pledge by full id, id prefix (at least 4 characters) or reference.
    static func resolve(_ db: Database, key: String) throws -> StoredPledge {
        let lower = key.lowercased()
        if let exact = try StoredPledge.fetch(db, id: lower) { return exact }
        var ids = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM pledge WHERE json_extract(current, '$.ref') = ? OR json_extract(current, '$.registryRef') = ?"),
                                      arguments: [key, key])
        if ids.isEmpty, lower.count >= 4 {
            ids = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM pledge WHERE substr(id, 1, ?) = ?"), arguments: [lower.count, lower])
        }
        guard let first = ids.first else { throw StoreError.pledgeNotFound(key) }
        guard ids.count == 1 else { throw StoreError.ambiguousPledge(key, matches: ids) }
        return try StoredPledge.fetch(db, id: first)!
    }
}
