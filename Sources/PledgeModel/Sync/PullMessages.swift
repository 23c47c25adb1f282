/// A candidate value in a conflict: who proposed it, when, by which change.
public struct ConflictCandidate: Codable, Sendable, Hashable {
    /// Number of the candidate within its conflict (1, 2, …), used by `pledge resolve --take`.
    public var number: Int
    /// The proposed value.
    public var value: FieldValue
    /// The change that proposed it.
    public var changeId: String
    /// Who proposed it (delegation or `SECRETARIAT`, and device).
    public var actor: String
    /// When the registry received it, ISO 8601.
    public var receivedAt: String

    /// Creates a candidate.
    public init(number: Int, value: FieldValue, changeId: String, actor: String, receivedAt: String) {
        self.number = number
        self.value = value
        self.changeId = changeId
        self.actor = actor
        self.receivedAt = receivedAt
    }
}

/// A conflict: concurrent edits of one field that people must settle. Never silent, never lost.
public struct ConflictRecord: Codable, Sendable, Hashable {
    /// Whether a conflict still waits for a decision.
    public enum State: String, Codable, Sendable { case open, resolved }
    /// Registry-assigned id.
    public var id: String
    /// The pledge concerned.
    public var pledgeId: String
    /// The field concerned.
    public var field: PledgeField
    /// Open until someone resolves it.
    public var state: State
    /// Every value proposed, the registry's kept value first.
    public var candidates: [ConflictCandidate]
    /// When it opened, ISO 8601.
    public var openedAt: String
    /// The value chosen, once resolved.
    public var resolution: FieldValue?
    /// Who resolved it, once resolved.
    public var resolvedBy: String?

    /// Creates a conflict record.
    public init(id: String, pledgeId: String, field: PledgeField, state: State, candidates: [ConflictCandidate],
                openedAt: String, resolution: FieldValue? = nil, resolvedBy: String? = nil) {
        self.id = id
        self.pledgeId = pledgeId
        self.field = field
        self.state = state
        self.candidates = candidates
        self.openedAt = openedAt
        self.resolution = resolution
        self.resolvedBy = resolvedBy
    }
}

/// A pledge as the registry holds it: every field with its version, and its conflicts (open and resolved).
public struct PledgeState: Codable, Sendable, Hashable {
    /// The pledge id.
    public var id: String
    /// Every field set on the registry, with the version that set it.
    public var fields: FieldDictionary<VersionedValue>
    /// Conflicts on this pledge, open and resolved, oldest first (nodes keep the open ones).
    public var conflicts: [ConflictRecord]

    /// Creates a pledge state.
    public init(id: String, fields: FieldDictionary<VersionedValue>, conflicts: [ConflictRecord]) {
        self.id = id
        self.fields = fields
        self.conflicts = conflicts
    }

    /// The pledge's values without versions.
    public var pledge: Pledge { Pledge(id: id, fields: fields.mapValues(\.value)) }
}

/// `GET /v1/pull?cursor=…`: one page of pledges in scope changed after the cursor.
public struct PullPage: Codable, Sendable {
    /// Pledges changed after the cursor, in registry order.
    public var pledges: [PledgeState]
    /// Opaque cursor to send next; store it with the page.
    public var cursor: String
    /// Whether more pages follow.
    public var hasMore: Bool
    /// Pledges that left the caller's scope after the cursor (a joint pledge that no longer names
    /// the caller's delegation), so the node drops its copy; nil when none did.
    public var left: [String]?

    /// Creates a page.
    public init(pledges: [PledgeState], cursor: String, hasMore: Bool, left: [String]? = nil) {
        self.pledges = pledges
        self.cursor = cursor
        self.hasMore = hasMore
        self.left = left
    }
}

/// The JSON body of every error answer from the registry.
public struct ErrorBody: Codable, Sendable {
    /// Stable machine-readable code, e.g. `malformed-json`, `unauthorized`.
    public var error: String
    /// A sentence for people.
    public var message: String

    /// Creates an error body.
    public init(error: String, message: String) {
        self.error = error
        self.message = message
    }
}
