import GRDB
import PledgeModel

extension NodeStore {
    /// Fields a merge never carries from the duplicate: identity, lifecycle and the Secretariat's own.
    public static let fieldsNotMerged: Set<PledgeField> = [.ref, .delegation, .status, .withdrawalReason, .pcrsLevel, .review,
                                                    .reviewNote, .registryRef, .supersededBy]

    /// Merges a duplicate submission into the pledge kept (Secretariat): fields only the duplicate has
    /// are carried over; fields where both differ are sent as concurrent edits, so the registry keeps
    /// the kept pledge's value and records the duplicate's as a conflict candidate; the duplicate
    /// becomes `SUPERSEDED` with a link to the one kept. One transaction; sent at the next sync.
    public func merge(duplicate duplicateKey: String, into keepKey: String) throws -> (carried: [PledgeField], conflicting: [PledgeField]) {
        try database.write { db in
            guard let identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            guard identity.principal == .secretariat else {
                throw StoreError.forbidden([Rejection(code: "forbidden-field", field: PledgeField.supersededBy.rawValue,
                                                      message: "merging duplicates is the Secretariat's; this node is \(identity.principal)")])
            }
            var keep = try Self.resolve(db, key: keepKey)
            var duplicate = try Self.resolve(db, key: duplicateKey)
            func refuse(_ message: String) -> StoreError {
                .invalid(ValidationFailure([ValidationIssue(fieldName: "merge", message: message)]))
            }
            guard keep.id != duplicate.id else { throw refuse("merge: a pledge cannot be merged into itself") }
            guard keep.current.delegation == duplicate.current.delegation else {
                throw refuse("merge: \(duplicate.current.delegation)'s pledge cannot be merged into \(keep.current.delegation)'s")
            }
            guard keep.current.status.isActive, duplicate.current.status.isActive else {
                throw refuse("merge: both pledges must be active (not withdrawn, lapsed or superseded)")
            }
            let pending = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE pledge_id IN (?, ?)"), arguments: [keep.id, duplicate.id]) ?? 0
            guard keep.confirmed != nil, duplicate.confirmed != nil, pending == 0 else {
                throw refuse("merge: both pledges must be confirmed by the registry with no unsynced edits; run `pledge sync` first")
            }
            var carried = FieldMap(), conflicting = FieldMap()
            for (field, value) in duplicate.current.fields where !Self.fieldsNotMerged.contains(field) {
                if keep.current[field].isEmpty { carried[field] = value } else if keep.current[field] != value { conflicting[field] = value }
            }
            // The registry refuses a change whose intended pledge breaks a rule; check here, before
            // anything is queued, so a merge never half-applies.
            var intended = keep.current
            for (field, value) in carried.merging(conflicting, uniquingKeysWith: { first, _ in first }) { intended[field] = value }
            let report = PledgeValidator.validate(intended)
            guard report.isValid else {
                throw refuse("merge: the duplicate's values break a rule next to the kept pledge's ("
                             + report.errors.map(\.message).joined(separator: "; ") + "); edit one of the two pledges first")
            }
            if !carried.isEmpty {
                try Self.applyEdit(db, to: &keep, changes: carried, resolving: [], identity: identity)
            }
            if !conflicting.isEmpty {
                // Base 0 states "made without knowledge of the kept value": the registry keeps its value
                // and holds the duplicate's as a candidate, so neither laptop's entry is lost.
                try Self.queue(db, pledge: &keep, changes: conflicting, resolving: [], device: identity.device,
                               forcedBases: conflicting.mapValues { _ in .version(0) })
            }
            try Self.applyEdit(db, to: &duplicate, changes: [.status: .text(PledgeStatus.superseded.rawValue), .supersededBy: .text(keep.id)],
                               resolving: [], identity: identity)
            return (carried.keys.sorted(), conflicting.keys.sorted())
        }
    }
}
