/// `POST /v1/push`: a batch of changes, applied in order in one transaction.
public struct PushRequest: Codable, Sendable {
    /// The changes, oldest first.
    public var changes: [Change]
    /// The device's Ed25519 signature (base64) over the batch: the content hash of every change, in
    /// order (`Signatures.signedBytes(ofBatch:)`). One signature per batch instead of one per change:
    /// each costs as much as applying a change (docs/performance.md). A change may still carry its
    /// own `signature` (bundles do), which is then checked instead.
    public var batchSignature: String?

    /// Creates a push request.
    public init(changes: [Change], batchSignature: String? = nil) {
        self.changes = changes
        self.batchSignature = batchSignature
    }
}

/// What the registry did with one change.
public enum ChangeOutcome: String, Codable, Sendable {
    /// Every field was applied.
    case applied
    /// Some fields were applied (or already equal); others were held as conflict candidates.
    case mergedWithConflicts = "merged-with-conflicts"
    /// Nothing was applied; `reasons` says why.
    case rejected
}

/// Why a change (or one of its fields) was rejected; `code` is stable for scripts.
public struct Rejection: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine-readable reason, e.g. `forbidden-field`, `not-your-pledge`, `invalid`.
    public var code: String
    /// The field concerned, when there is one.
    public var field: String?
    /// A sentence for people.
    public var message: String

    /// Creates a rejection reason.
    public init(code: String, field: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { message }
}

/// The registry's answer for one change.
public struct ChangeResult: Codable, Sendable, Hashable {
    /// The change this answers.
    public var changeId: String
    /// Applied, merged with conflicts, or rejected.
    public var outcome: ChangeOutcome
    /// Why it was rejected (empty otherwise).
    public var reasons: [Rejection]
    /// For each field of the change: the registry's value and version after the change.
    public var fields: FieldDictionary<VersionedValue> {
        didSet { fieldsJSONAsReceived = nil }
    }
    /// Conflict records this change opened or joined.
    public var conflicts: [String]
    /// The registry's Ed25519 signature (base64) over this result without the receipt: proof of what it acknowledged.
    public var receipt: String?
    /// `fields` as the JSON text a reply carried (nil for a result not read from one, once `fields`
    /// is changed, or when the text held members the reader skipped): a node stores a new pledge's
    /// first confirmed state as this text instead of writing the map again. Not part of the
    /// result's value: neither encoded nor compared.
    public var fieldsJSONAsReceived: String?

    private enum CodingKeys: String, CodingKey {
        case changeId, outcome, reasons, fields, conflicts, receipt
    }

    /// Results are equal when everything but `fieldsJSONAsReceived` is.
    public static func == (lhs: ChangeResult, rhs: ChangeResult) -> Bool {
        lhs.changeId == rhs.changeId && lhs.outcome == rhs.outcome && lhs.reasons == rhs.reasons && lhs.fields == rhs.fields
            && lhs.conflicts == rhs.conflicts && lhs.receipt == rhs.receipt
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(changeId)
        hasher.combine(outcome)
        hasher.combine(reasons)
        hasher.combine(fields)
        hasher.combine(conflicts)
        hasher.combine(receipt)
    }

    /// Creates a result.
    public init(changeId: String, outcome: ChangeOutcome, reasons: [Rejection] = [],
                fields: FieldDictionary<VersionedValue> = [:], conflicts: [String] = []) {
        self.changeId = changeId
        self.outcome = outcome
        self.reasons = reasons
        self.fields = fields
        self.conflicts = conflicts
    }
}

/// The reply to a push: one result per change, in the order sent.
public struct PushResponse: Codable, Sendable {
    /// Results in the order of the request's changes.
    public var results: [ChangeResult]
    /// The change log's last entry once the batch was applied (nil while the log is empty): a node
    /// keeps the latest, an anchor against entries cut from the end of the log.
    public var auditHead: AuditHead?
    /// The registry's Ed25519 signature (base64) over the SHA-256 of this reply without it
    /// (`Signatures.receiptMessage(ofReply:)`): one receipt for the batch, proof of what the registry
    /// acknowledged and of its log's head.
    public var receipt: String?

    /// Creates a push response.
    public init(results: [ChangeResult], auditHead: AuditHead? = nil, receipt: String? = nil) {
        self.results = results
        self.auditHead = auditHead
        self.receipt = receipt
    }
}
