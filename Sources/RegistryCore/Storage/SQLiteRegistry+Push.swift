import Foundation
import GRDB
import PledgeSchema
import PledgeModel
import PledgeSecurity

extension SQLiteRegistry {
    /// Largest number of changes accepted in one push.
    public static let maximumBatchSize = 1_000

    public func push(_ request: PushRequest, by caller: Caller) async throws -> EncodedPushResponse {
        let batch = try await apply(request.changes, batchSignature: request.batchSignature, by: caller)
        // Each result is written once, when it is recorded; the reply and the bytes whose digest
        // its receipt signs splice those bytes in.
        var response = EncodedPushResponse(resultsJSON: batch.resultsJSON, auditHead: batch.auditHead)
        var unsigned = JSONWriter()
        response.writeJSON(to: &unsigned)
        // One receipt for the whole reply: a signature per change cost as much as applying it.
        response.receipt = try batch.registryKey.sign(Signatures.receiptMessage(ofReply: Data(unsigned.bytes)))
        return response
    }

    /// What applying a batch gives back: one result per change (without receipts) and the canonical
    /// JSON of each, the change log's head after it, and the registry's key to sign with.
    struct AppliedBatch {
        var results: [ChangeResult]
        var resultsJSON: [String]
        var auditHead: AuditHead?
        var registryKey: SigningKey
    }

    /// Applies changes in order in one transaction (DESIGN section 4).
    func apply(_ changes: [Change], batchSignature: String?, by caller: Caller) async throws -> AppliedBatch {
        guard changes.count <= Self.maximumBatchSize else {
            throw RegistryError.badRequest("a push carries at most \(Self.maximumBatchSize) changes; this one has \(changes.count)")
        }
        // Each change's fields as canonical JSON, made once and outside the write lock: the content
        // hash is spliced from it, and so is the change log's entry when every field applies as sent.
        let fieldsJSON = try changes.map { try CanonicalJSON.string($0.fields) }
        let contentHashes = try changes.indices.map { try Signatures.contentHash(of: changes[$0], fieldsJSON: fieldsJSON[$0]) }
        // Signatures are checked before the write lock is taken (they need no storage).
        let signatures = try caller.publicKey.map { key in
            try SignatureCheck.all(changes, contentHashes: contentHashes, batchSignature: batchSignature, publicKey: key)
        }
        // One transaction per batch: either every change's outcome is recorded, or none is.
        let (answers, auditHead, privateKey) = try await mappingBusy {
            try await pool.write { db in
                let audit = AuditLog(db: db)
                let receivedAt = Date().ISO8601Format()
                let batch = SignedBatchRecord(db: db, tokenId: caller.tokenId, contentHashes: contentHashes,
                                              signature: batchSignature, receivedAt: receivedAt)
                let sequence = SequenceCounter(db: db)
                let lookup = try BatchLookup(db: db, changes: changes)
                let results = try changes.indices.map { index in
                    try ChangeApplication(change: changes[index], fieldsJSON: fieldsJSON[index], contentHash: contentHashes[index],
                                          caller: caller, db: db, audit: audit, sequence: sequence, lookup: lookup,
                                          signature: signatures?[index], batch: batch, receivedAt: receivedAt).run()
                }
                try sequence.save()
                return (results, try audit.currentHead(), try Self.registryPrivateKey(db))
            }
        }
        checkpointer.request()
        return AppliedBatch(results: answers.map(\.result), resultsJSON: answers.map(\.json), auditHead: auditHead,
                            registryKey: try SigningKey(privateKey: privateKey))
    }
}

/// Whether a change proves that the caller's device made it and that it is unaltered.
enum SignatureCheck: Equatable {
    /// Its own signature verifies.
    case validAlone
    /// The batch's signature verifies and covers it.
    case validInBatch
    /// Neither the change nor its batch is signed.
    case missing
    /// A signature is there but does not verify.
    case invalid

    /// The check of each change of a batch from a device with registered key `publicKey`.
    ///
    /// A change that carries its own signature (a bundle's, or a node of an older version) is checked
    /// alone, on every core; any other is covered by the batch signature, checked once.
    static func all(_ changes: [Change], contentHashes: [String], batchSignature: String?, publicKey: String) throws -> [SignatureCheck] {
        let batch: SignatureCheck = batchSignature.map {
            Signatures.isValid($0, of: Signatures.signedBytes(ofBatch: contentHashes), publicKey: publicKey) ? .validInBatch : .invalid
        } ?? .missing
        var checks = [SignatureCheck](repeating: batch, count: changes.count)
        let signedAlone = changes.indices.filter { changes[$0].signature != nil }
        let valid = Signatures.areValid(try signedAlone.map { (changes[$0].signature, try Signatures.signedBytes(of: changes[$0])) },
                                        publicKey: publicKey)
        for (index, isValid) in zip(signedAlone, valid) { checks[index] = isValid ? .validAlone : .invalid }
        return checks
    }
}

/// The signed batch a push came in, kept for audit the first time one of its changes is recorded
/// (so a replayed batch that records nothing writes nothing).
final class SignedBatchRecord {
    private let db: Database
    private let tokenId: String
    private let contentHashes: [String]
    private let signature: String?
    private let receivedAt: String
    private var rowId: Int64?

    init(db: Database, tokenId: String, contentHashes: [String], signature: String?, receivedAt: String) {
        self.db = db
        self.tokenId = tokenId
        self.contentHashes = contentHashes
        self.signature = signature
        self.receivedAt = receivedAt
    }

    /// The batch's row id, writing the row on first use.
    func id() throws -> Int64? {
        if let rowId { return rowId }
        guard let signature else { return nil }
        try db.execute(sql: "INSERT INTO signed_batch(token_id, content_hashes, signature, received_at) VALUES (?, ?, ?, ?)",
                       arguments: [tokenId, contentHashes.joined(separator: "\n"), signature, receivedAt])
        rowId = db.lastInsertedRowID
        return rowId
    }
}

/// Applies one change inside the batch's transaction (DESIGN section 4, steps 1–5).
struct ChangeApplication {
    let change: Change
    /// `CanonicalJSON.string(change.fields)`, made before the write lock was taken.
    let fieldsJSON: String
    /// `Signatures.contentHash(of: change)`: what a replay must match.
    let contentHash: String
    let caller: Caller
    let db: Database
    /// The batch's change log, which carries the chain's head from one change to the next.
    let audit: AuditLog
    /// The batch's sequence numbers.
    let sequence: SQLiteRegistry.SequenceCounter
    /// The batch's received changes and existing pledges, read once.
    let lookup: BatchLookup
    /// How the change proves its device (nil: the device has no registered key).
    let signature: SignatureCheck?
    /// The signed batch the change came in, recorded with it for audit when its signature vouches for it.
    let batch: SignedBatchRecord
    /// When the batch arrived (one time for the whole batch).
    let receivedAt: String
    /// Who made the change, as recorded: the token's principal and the device the node names.
    let actor: String

    init(change: Change, fieldsJSON: String, contentHash: String, caller: Caller, db: Database, audit: AuditLog,
         sequence: SQLiteRegistry.SequenceCounter, lookup: BatchLookup, signature: SignatureCheck?, batch: SignedBatchRecord,
         receivedAt: String) {
        self.change = change
        self.fieldsJSON = fieldsJSON
        self.contentHash = contentHash
        self.caller = caller
        self.db = db
        self.audit = audit
        self.sequence = sequence
        self.lookup = lookup
        self.signature = signature
        self.batch = batch
        self.receivedAt = receivedAt
        let device = change.device.isEmpty ? caller.device : String(change.device.prefix(64))
        actor = "\(caller.principal)/\(device)"
    }

    /// The change's result, and its canonical JSON without a receipt (what is recorded and answered).
    func run() throws -> (result: ChangeResult, json: String) {
        let recorded = lookup.recorded(change.changeId)
        // Step 1: idempotence. The same content again gets the recorded answer and changes nothing,
        // even if the device has enrolled a key since (a replay of an unsigned change sent before that).
        if let recorded, try isSameContent(asRecorded: recorded.contentHash) {
            // Written again rather than passed on: answers recorded by older versions carry a receipt,
            // and a short record takes its values from the replayed change.
            var result = try RecordedAnswer.read(recorded.result).answer(to: change)
            result.receipt = nil
            return (result, try CanonicalJSON.string(result))
        }
        // Step 0 for anything new: a device with a registered key proves the change is its own and unaltered.
        if let reasons = signatureProblem() { return try answer(rejected(reasons)) }
        if recorded != nil {
            return try answer(rejected([Rejection(code: "change-id-reused", message: "change \(change.changeId) was already received with different content")]))
        }
        let (result, answeredJSON, seq) = try evaluate()
        // A refused change changes no pledge, but its answer is kept (for a well-formed change id)
        // so that a replay, after the registry has moved on, gets the same answer (invariant 3).
        if result.outcome == .rejected, CanonicalUUID(change.changeId)?.text != change.changeId { return try answer(result) }
        let batchId = signature == .validInBatch ? try batch.id() : nil
        let json = try answeredJSON.map { result.canonicalJSON(fieldsJSON: $0) } ?? CanonicalJSON.string(result)
        let record = RecordedAnswer.record(of: result, json: json, to: change, seq: seq)
        try db.executeBound(sql: """
            INSERT INTO received_change(change_id, content_hash, pledge_id, actor, received_at, result, signature, batch_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(change.changeId), .text(contentHash), .text(change.pledgeId), .text(actor), .text(receivedAt), .text(record),
                  .text(change.signature), .integer(batchId)])
        lookup.noteRecorded(change.changeId, contentHash: contentHash, result: record)
        return (result, json)
    }

    private func answer(_ result: ChangeResult) throws -> (result: ChangeResult, json: String) {
        (result, try CanonicalJSON.string(result))
    }

    /// Whether a recorded content hash is this change's: registries before batch signatures hashed
    /// a signed change together with its signature.
    private func isSameContent(asRecorded recordedHash: String) throws -> Bool {
        if recordedHash == contentHash { return true }
        guard change.signature != nil else { return false }
        return recordedHash == Digest.sha256(try CanonicalJSON.encode(change))
    }

    /// A device with a registered key must sign every change, alone or in a signed batch; the
    /// signature covers every byte of it.
    private func signatureProblem() -> [Rejection]? {
        switch signature {
        case nil, .validAlone, .validInBatch:
            return nil
        case .missing:
            return [Rejection(code: "unsigned-change", message: "change \(change.changeId) is not signed, but device \(caller.device) has a registered key")]
        case .invalid:
            return [Rejection(code: "bad-signature", message: "change \(change.changeId) does not carry a valid signature of device \(caller.device)")]
        }
    }

    private func rejected(_ reasons: [Rejection]) -> ChangeResult {
        ChangeResult(changeId: change.changeId, outcome: .rejected, reasons: reasons)
    }

    /// A result, the canonical JSON of its `fields` when it is already written, and the sequence
    /// number the change wrote at (0: it wrote nothing).
    private typealias Evaluation = (result: ChangeResult, fieldsJSON: String?, seq: Int)

    private func refused(_ reasons: [Rejection]) -> Evaluation {
        (rejected(reasons), nil, 0)
    }

    private func evaluate() throws -> Evaluation {
        guard CanonicalUUID(change.changeId)?.text == change.changeId else {
            return refused([Rejection(code: "invalid", field: "changeId", message: "changeId must be a lowercase UUID")])
        }
        guard CanonicalUUID(change.pledgeId)?.text == change.pledgeId else {
            return refused([Rejection(code: "invalid", field: "pledgeId", message: "pledgeId must be a lowercase UUID")])
        }
        guard !change.fields.isEmpty else { return refused([Rejection(code: "invalid", message: "a change must set at least one field")]) }
        // Checked without listing the fields first: every change has its bases, and a list per change was 2% of the writer.
        if change.fields.contains(where: { change.bases[$0.key] == nil }) {
            let missingBases = change.fields.keys.filter { change.bases[$0] == nil }  // in field order, as `keys` gives
            return refused(missingBases.map { Rejection(code: "missing-base", field: $0.rawValue, message: "\($0.rawValue) has no base version") })
        }
        let stored = lookup.exists(pledge: change.pledgeId) ? try SQLiteRegistry.fetchFields(db, pledge: change.pledgeId) : nil
        let existing = stored.map { Pledge(id: change.pledgeId, fields: $0.mapValues(\.value)) }
        if existing == nil, change.fields[.delegation] == nil {
            return refused([Rejection(code: "unknown-pledge", message: "pledge \(change.pledgeId) is not on the registry")])
        }
        // Step 2: authorization, per change, typed; the batch goes on.
        let violations = WriteRules.violations(by: caller.principal, existing: existing, setting: change.fields)
        guard violations.isEmpty else { return refused(violations) }

        let resolutions = try openConflictsResolved()
        // Step 4 (decided before anything is written, so a rejection writes nothing).
        var decisions: [(field: PledgeField, value: FieldValue, decision: FieldMerge.Decision, joins: String?)] = []
        decisions.reserveCapacity(change.fields.count)
        var resulting = existing ?? Pledge(id: change.pledgeId, fields: FieldMap())
        // A field map iterates in field order: the decisions come out sorted without sorting them.
        for (field, value) in change.fields {
            let current = stored?[field]
            var base = 0
            var joins: String?
            switch change.bases[field]! {
            case .version(let version):
                base = version
            case .change(let earlier):
                guard let produced = try EarlierChange.outcome(of: earlier, for: field, db: db) else {
                    return refused([Rejection(code: "unknown-base-change", field: field.rawValue,
                                               message: "\(field.rawValue) is based on change \(earlier), which the registry has not received")])
                }
                switch produced {
                case .version(let version):
                    // "The version that change produced".
                    base = version
                case .candidate(let conflictId):
                    // It was held as a candidate: this value joins that conflict.
                    base = -1
                    joins = conflictId
                case .nothing:
                    // Based on a change that was refused (or did not touch this field): the editor's
                    // knowledge is unknown, so the value merges as a concurrent edit; never an overwrite.
                    base = 0
                }
            }
            let decision = FieldMerge.decide(base: base, incoming: value, current: current,
                                             isResolution: resolutions.contains { $0.field == field })
            if decision == .apply { resulting[field] = value }
            decisions.append((field, value, decision, joins))
        }
        // Step 3: the resulting pledge must be valid, and so must the pledge as the editor meant it
        // (so a conflict candidate can later be taken as is); the registry does not trust nodes.
        // When every value applied (the common case) the two are the same pledge: validate it once.
        var intended = resulting
        if !decisions.allSatisfy({ $0.decision == .apply }) {
            for (field, value) in change.fields { intended[field] = value }
        }
        for pledge in intended == resulting ? [resulting] : [resulting, intended] {
            let report = PledgeValidator.validate(pledge)
            guard report.isValid else {
                return refused(report.errors.map { Rejection(code: "invalid", field: $0.field, message: $0.message) })
            }
        }
        return try persist(decisions, stored: stored ?? [:], resulting: resulting, resolutions: resolutions)
    }

    /// Open conflicts this change resolves; a conflict already resolved by someone else is not one
    /// (the change is then merged like any edit, so nothing is lost).
    private func openConflictsResolved() throws -> [ConflictRecord] {
        try change.resolves.compactMap { id in
            try String.fetchOne(db.cachedStatement(sql: "SELECT record FROM conflict WHERE id = ? AND pledge_id = ? AND state = 'open'"),
                                arguments: [id, change.pledgeId])
                .map { try CanonicalJSON.decode(ConflictRecord.self, from: $0) }
                .flatMap { change.fields[$0.field] != nil ? $0 : nil }
        }
    }

    private func persist(_ decisions: [(field: PledgeField, value: FieldValue, decision: FieldMerge.Decision, joins: String?)],
                         stored: FieldDictionary<VersionedValue>, resulting initial: Pledge, resolutions: [ConflictRecord]) throws -> Evaluation {
        var resulting = initial
        var applied = FieldMap()
        for item in decisions where item.decision == .apply { applied[item.field] = item.value }
        let derived = try ReviewRules(db: db).derivedFields(by: caller.principal, applied: applied, resulting: resulting, receivedAt: receivedAt)
        let touchesState = decisions.contains { $0.decision != .unchanged } || !derived.isEmpty
        let seq = touchesState ? try sequence.next() : 0
        var fields = stored
        var conflictIds: [String] = []
        // What the change did, by kind, for the change log: one entry per kind, not one per field.
        var appliedValues = FieldMap(), resolvedValues = FieldMap(), candidateValues = FieldMap()
        // Asked once per change rather than once per applied field: most pledges have no open conflict.
        let hasOpenConflict = try !stored.isEmpty && Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM conflict WHERE pledge_id = ? AND state = 'open')"),
            arguments: [change.pledgeId]) ?? false
        for item in decisions {
            switch item.decision {
            case .apply:
                fields[item.field] = VersionedValue(value: item.value, version: seq)
                if hasOpenConflict, !resolutions.contains(where: { $0.field == item.field }) {
                    // An edit made while the field is in conflict joins the conflict as a candidate,
                    // so a later resolution cannot silently discard it.
                    try ConflictLedger(db: db).addToOpenConflict(pledgeId: change.pledgeId, field: item.field, value: item.value,
                                                                 changeId: change.changeId, actor: actor, at: receivedAt)
                }
                if resolutions.contains(where: { $0.field == item.field }) {
                    resolvedValues[item.field] = item.value
                } else {
                    appliedValues[item.field] = item.value
                }
            case .unchanged:
                break
            case .conflict:
                let conflictId = try ConflictLedger(db: db).addCandidate(
                    pledgeId: change.pledgeId, field: item.field, value: item.value, current: stored[item.field],
                    changeId: change.changeId, actor: actor, at: receivedAt, joining: item.joins, seq: seq)
                conflictIds.append(conflictId)
                candidateValues[item.field] = item.value
            }
        }
        for (field, value) in derived {
            fields[field] = VersionedValue(value: value, version: seq)
            resulting[field] = value
        }
        // Every field applied as sent (a creation, an edit without conflict): the entry's values are the change's fields.
        try log(appliedValues, seq: seq, kind: "applied", valuesJSON: appliedValues.count == change.fields.count ? fieldsJSON : nil)
        try log(resolvedValues, seq: seq, kind: "resolution")
        try log(candidateValues, seq: seq, kind: "candidate")
        try log(derived, seq: seq, kind: "derived", by: "REGISTRY")
        for conflict in resolutions {
            try ConflictLedger(db: db).close(conflict, with: resulting[conflict.field], by: actor)
        }
        let storedJSON = touchesState ? try CanonicalJSON.string(fields) : nil
        if let storedJSON {
            try db.executeBound(sql: """
                INSERT INTO pledge(id, delegation, fields, updated_seq) VALUES (?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET fields = excluded.fields, updated_seq = excluded.updated_seq
                """, [.text(change.pledgeId), .text(resulting.delegation), .text(storedJSON), .integer(seq)])
            lookup.noteWritten(pledge: change.pledgeId)
            if change.fields[.partners] != nil {
                try recordScopeExits(from: Pledge(id: change.pledgeId, fields: stored.mapValues(\.value)), to: resulting, seq: seq)
                try db.executeCached(sql: "DELETE FROM pledge_partner WHERE pledge_id = ?", arguments: [change.pledgeId])
                for partner in resulting.list(.partners) {
                    try db.executeCached(sql: "INSERT OR IGNORE INTO pledge_partner(delegation, pledge_id, updated_seq) VALUES (?, ?, ?)",
                                         arguments: [partner, change.pledgeId, seq])
                }
            }
        }
        var answered = FieldDictionary<VersionedValue>()
        for item in decisions { answered[item.field] = fields[item.field] ?? VersionedValue(value: .null, version: 0) }
        let result = ChangeResult(changeId: change.changeId, outcome: conflictIds.isEmpty ? .applied : .mergedWithConflicts,
                                  fields: answered, conflicts: conflictIds)
        // When the answer names every field the pledge has (a creation), its fields are the row's: written once.
        let answersWholePledge = answered.count == fields.count && decisions.allSatisfy { fields[$0.field] != nil }
        return (result, answersWholePledge ? storedJSON : nil, seq)
    }

    /// A partner the pledge no longer names leaves its scope at `seq`; its nodes learn it in their
    /// next pull and drop their copy. A partner named (again) is in scope: no exit stands for it.
    private func recordScopeExits(from before: Pledge, to after: Pledge, seq: Int) throws {
        let remaining = Set(after.list(.partners))
        for partner in before.list(.partners) where !remaining.contains(partner) && partner != after.delegation {
            try db.executeCached(sql: """
                INSERT INTO scope_exit(delegation, pledge_id, seq) VALUES (?, ?, ?)
                ON CONFLICT(delegation, pledge_id) DO UPDATE SET seq = excluded.seq
                """, arguments: [partner, change.pledgeId, seq])
        }
        for partner in remaining {
            try db.executeCached(sql: "DELETE FROM scope_exit WHERE delegation = ? AND pledge_id = ?", arguments: [partner, change.pledgeId])
        }
    }

    private func log(_ values: FieldMap, seq: Int, kind: String, by who: String? = nil, valuesJSON: String? = nil) throws {
        try audit.append(seq: seq, changeId: change.changeId, pledgeId: change.pledgeId, values: values, valuesJSON: valuesJSON,
                         kind: kind, actor: who ?? actor, at: receivedAt)
    }
}

/// What an earlier change did to a field, for a later change whose base is "the version that change produced".
enum EarlierChange: Equatable {
    /// The field's version after that change (applied, or already equal).
    case version(Int)
    /// The change's value was held as a candidate of this conflict.
    case candidate(String)
    /// The change was refused, or did not set the field.
    case nothing

    /// Read from the earlier change's recorded answer (nil: the registry never received it), which
    /// names each field's version and the conflicts the change joined, or, in its short form, the
    /// fields it applied and their one version; no per-field table is kept.
    static func outcome(of changeId: String, for field: PledgeField, db: Database) throws -> EarlierChange? {
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT result FROM received_change WHERE change_id = ?"),
                                             arguments: [changeId]) else { return nil }
        let result: ChangeResult
        switch try RecordedAnswer.read(text) {
        case .appliedAsSent(let seq, let fields):
            return fields.contains(field) ? .version(seq) : .nothing
        case .whole(let whole):
            result = whole
        }
        guard result.outcome != .rejected, let answered = result.fields[field] else { return .nothing }
        for conflictId in result.conflicts {
            let held = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM conflict WHERE id = ? AND field = ?)"),
                                         arguments: [conflictId, field.rawValue]) ?? false
            if held { return .candidate(conflictId) }
        }
        return .version(answered.version)
    }
}
