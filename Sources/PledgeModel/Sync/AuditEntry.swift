/// One entry of the registry's append-only, hash-chained change log, as stored, served and exported.
public struct AuditEntry: Codable, Sendable, Hashable {
    /// Position in the log (1, 2, …).
    public var id: Int
    /// The registry sequence number of the change that wrote it.
    public var seq: Int
    /// The change that carried the value.
    public var changeId: String
    /// The pledge concerned.
    public var pledgeId: String
    /// The fields concerned, comma-separated in name order (one entry per change and kind). Entries
    /// written before version 5 of the registry name a single field.
    public var field: String
    /// The values as one JSON object by field name; in entries before version 5, the one field's
    /// value as JSON text. `fieldValues()` reads both forms.
    public var value: String
    /// `applied`, `candidate` (held in a conflict), `resolution` or `derived` (set by the registry itself).
    public var kind: String
    /// Who sent it: `KOR/KOR-laptop-1`, `SECRETARIAT/UN-HQ-1`, or `REGISTRY`.
    public var actor: String
    /// When the registry accepted it, ISO 8601.
    public var receivedAt: String
    /// The hash of the previous entry (the genesis value for the first).
    public var previousHash: String
    /// SHA-256 of this entry's canonical form, hex.
    public var hash: String

    /// The hash the first entry commits to.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Creates an entry.
    public init(id: Int, seq: Int, changeId: String, pledgeId: String, field: String, value: String, kind: String,
                actor: String, receivedAt: String, previousHash: String, hash: String) {
        self.id = id
        self.seq = seq
        self.changeId = changeId
        self.pledgeId = pledgeId
        self.field = field
        self.value = value
        self.kind = kind
        self.actor = actor
        self.receivedAt = receivedAt
        self.previousHash = previousHash
        self.hash = hash
    }
}

extension AuditEntry {
    /// Each field the entry records and its value as JSON text, in field name order.
    public func fieldValues() throws -> [(field: String, value: String)] {
        // A field value is never a JSON object, so an object is the per-change form.
        guard value.hasPrefix("{") else { return [(field, value)] }
        return try CanonicalJSON.decode(FieldMap.self, from: value)
            .sorted { $0.key.rawValue < $1.key.rawValue }
            .map { ($0.key.rawValue, try CanonicalJSON.string($0.value)) }
    }
}

/// The last entry of the registry's change log at some moment: its position and hash.
///
/// Each push reply carries the head, under the registry's receipt, and nodes keep the latest one
/// they were given. The hash chain shows any entry altered or removed *before* the last one; only
/// such an anchor, held outside the registry, shows entries cut from the end
/// (`pledge registry audit verify --anchor`).
public struct AuditHead: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The entry's position in the log (1, 2, …).
    public var entry: Int
    /// The entry's hash.
    public var hash: String

    /// Creates a head.
    public init(entry: Int, hash: String) {
        self.entry = entry
        self.hash = hash
    }

    /// Reads `ENTRY:HASH` (as `description` writes it); nil if it is not that.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let entry = Int(parts[0]), entry > 0, parts[1].count == 64,
              parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        self.init(entry: entry, hash: String(parts[1]))
    }

    /// `ENTRY:HASH`.
    public var description: String { "\(entry):\(hash)" }
}

/// A pledge's lineage on the registry: every value each field has had or was offered, and its conflicts.
public struct PledgeHistory: Codable, Sendable, Hashable {
    /// The pledge.
    public var pledgeId: String
    /// Log entries for the pledge, oldest first.
    public var entries: [AuditEntry]
    /// Every conflict on the pledge, open and resolved.
    public var conflicts: [ConflictRecord]

    /// Creates a history.
    public init(pledgeId: String, entries: [AuditEntry], conflicts: [ConflictRecord]) {
        self.pledgeId = pledgeId
        self.entries = entries
        self.conflicts = conflicts
    }
}
