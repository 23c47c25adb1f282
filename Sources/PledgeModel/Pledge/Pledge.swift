/// A pledge: its node-minted id and the values of its fields.
///
/// Fields are kept as a map because sync reasons about them one by one; the typed
/// accessors below are for reading.
public struct Pledge: Sendable, Hashable {
    /// UUID minted on the node that created the pledge (lowercase).
    public var id: String
    /// Field values; an absent key means the field is not set.
    public var fields: FieldMap

    /// Creates a pledge from its id and field values (null values are dropped).
    public init(id: String, fields: FieldMap) {
        self.id = id
        self.fields = fields.filter { !$0.value.isEmpty }
    }

    /// The value of a field, `.null` when unset.
    public subscript(field: PledgeField) -> FieldValue {
        get { fields[field] ?? .null }
        set { if newValue.isEmpty { fields[field] = nil } else { fields[field] = newValue } }
    }

    /// The text of a field, nil when unset or not text.
    public func text(_ field: PledgeField) -> String? {
        if case .text(let value) = self[field] { return value }
        return nil
    }

    /// The integer of a field, nil when unset or not an integer.
    public func integer(_ field: PledgeField) -> Int? {
        if case .integer(let value) = self[field] { return value }
        return nil
    }

    /// The list of a field, empty when unset.
    public func list(_ field: PledgeField) -> [String] {
        if case .list(let value) = self[field] { return value }
        return []
    }

    /// The pledging delegation's code.
    public var delegation: String { text(.delegation) ?? "" }
    /// The ministerial the pledge was made at.
    public var ministerial: String { text(.ministerial) ?? "" }
    /// The pledge's title.
    public var title: String { text(.title) ?? "" }
    /// The current status; a pledge with none set is `ANNOUNCED`.
    public var status: PledgeStatus { text(.status).flatMap(PledgeStatus.init(rawValue:)) ?? .announced }
    /// The Secretariat's review decision, nil until the Secretariat has decided.
    public var review: ReviewState? { text(.review).flatMap(ReviewState.init(rawValue:)) }

    /// Women as a share of personnel, derived (never entered); nil without personnel.
    public var womenShare: Double? {
        guard let personnel = integer(.personnel), personnel > 0 else { return nil }
        return Double(integer(.women) ?? 0) / Double(personnel)
    }

    /// The delegations whose scope includes this pledge: the pledger and its partners.
    public var scopeDelegations: [String] { [delegation] + list(.partners) }
}

extension Pledge: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes the flat JSON form `{"id": …, "title": …, …}`; unknown keys are an error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let id = try container.decode(String.self, forKey: Key(stringValue: "id"))
        var fields = FieldMap()
        for key in container.allKeys where key.stringValue != "id" {
            guard let field = PledgeField(rawValue: key.stringValue) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "unknown field '\(key.stringValue)'")
            }
            fields[field] = try container.decode(FieldValue.self, forKey: key)
        }
        self.init(id: id, fields: fields)
    }

    /// Encodes the flat JSON form, fields in their declared order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(id, forKey: Key(stringValue: "id"))
        for field in PledgeField.allCases {
            if let value = fields[field] { try container.encode(value, forKey: Key(stringValue: field.rawValue)) }
        }
    }
}
