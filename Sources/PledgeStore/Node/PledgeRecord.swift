import PledgeModel

/// A pledge as the node shows it: the current values, which of them are unsynced, and its open conflicts.
public struct PledgeRecord: Codable, Sendable, Hashable {
    /// The pledge with local edits applied.
    public var pledge: Pledge
    /// Fields whose shown value is a local edit the registry has not yet answered for.
    public var pendingFields: [PledgeField]
    /// Whether the registry has ever confirmed this pledge.
    public var isOnRegistry: Bool
    /// The registry version of each confirmed field.
    public var versions: FieldDictionary<Int>
    /// Open conflicts on this pledge.
    public var conflicts: [ConflictRecord]
    /// Advisory warnings (e.g. women share under the year's target).
    public var warnings: [String]

    /// Whether anything shown is not yet confirmed by the registry.
    public var isUnsynced: Bool { !pendingFields.isEmpty || !isOnRegistry }
}

/// What `pledge status` reports.
public struct NodeStatus: Codable, Sendable, Hashable {
    /// The node's identity (token omitted).
    public var delegation: String?
    /// The device name.
    public var device: String
    /// The device's Ed25519 public key (base64), for `pledge registry token issue --public-key`.
    public var devicePublicKey: String
    /// The registry URL, if set.
    public var registry: String?
    /// Pledges in the store.
    public var pledges: Int
    /// Changes waiting in the outbox.
    public var pendingChanges: Int
    /// Of those, changes sent at least once but not yet acknowledged.
    public var sentUnacknowledged: Int
    /// Open conflicts in scope.
    public var openConflicts: Int
    /// Changes the registry refused.
    public var rejectedChanges: Int
    /// Those changes, with the registry's reasons.
    public var rejected: [RejectedChange]
    /// Pledges the Secretariat queried, waiting for the delegation.
    public var queriedPledges: [String]
    /// When the last sync finished, ISO 8601.
    public var lastSync: String?
    /// The latest head of the registry's change log this node was given (`ENTRY:HASH`), under the
    /// registry's receipt: what `pledge registry audit verify --anchor` checks the log against.
    public var registryLogHead: String?
}

/// A change the registry refused: the edit is not applied anywhere, and these are the reasons.
public struct RejectedChange: Codable, Sendable, Hashable {
    /// The change's id.
    public var changeId: String
    /// The pledge it edited.
    public var pledgeId: String
    /// When the refusal arrived, ISO 8601.
    public var rejectedAt: String
    /// The registry's reasons.
    public var reasons: [Rejection]
}

/// One line of a pledge's history.
public struct HistoryEntry: Codable, Sendable, Hashable {
    /// When, ISO 8601.
    public var at: String
    /// Which field.
    public var field: String
    /// The value before.
    public var oldValue: FieldValue
    /// The value after.
    public var newValue: FieldValue
    /// The change that carried it.
    public var changeId: String
    /// Who made it (device or registry actor).
    public var by: String
    /// `pending`, `sent` or `confirmed` for local edits.
    public var state: String
}
