/// The version of a field an editor last saw: a registry version, or "what that change of mine produced".
public enum BaseVersion: Codable, Sendable, Hashable {
    /// A registry sequence number (0: the field never existed on the registry).
    case version(Int)
    /// The version produced by an earlier change of the same node that was sent but not yet acknowledged.
    case change(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self = .version(number)
        } else {
            self = .change(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .version(let number): try container.encode(number)
        case .change(let changeId): try container.encode(changeId)
        }
    }
}

/// One edit of one pledge, as a node sends it: the fields it sets, each with the base the editor saw.
public struct Change: Codable, Sendable, Hashable {
    /// UUID minted by the node; the registry uses it to make push idempotent.
    public var changeId: String
    /// The pledge the change edits (or creates, when every base is 0).
    public var pledgeId: String
    /// New values of the fields the change sets.
    public var fields: FieldMap
    /// For each field in `fields`, the version the editor last saw.
    public var bases: FieldDictionary<BaseVersion>
    /// Conflicts this change resolves, by id (empty for an ordinary edit).
    public var resolves: [String]
    /// The device that made the change.
    public var device: String
    /// When the edit was made, ISO 8601 (informative: the registry orders changes itself).
    public var madeAt: String
    /// The device's Ed25519 signature (base64) over the change without this field; nil if unsigned.
    public var signature: String?

    /// Creates a change.
    public init(changeId: String, pledgeId: String, fields: FieldMap, bases: FieldDictionary<BaseVersion>,
                resolves: [String] = [], device: String, madeAt: String) {
        self.changeId = changeId
        self.pledgeId = pledgeId
        self.fields = fields
        self.bases = bases
        self.resolves = resolves
        self.device = device
        self.madeAt = madeAt
    }

    /// The change as it is signed: itself without the signature.
    public var unsigned: Change {
        var copy = self
        copy.signature = nil
        return copy
    }

    /// Whether this change creates its pledge (every base is version 0).
    public var isCreation: Bool {
        bases.values.allSatisfy { $0 == .version(0) } && fields[.delegation] != nil
    }
}
