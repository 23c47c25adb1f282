/// The value of one pledge field as it travels and is stored: null, text, integer or a list of codes.
public enum FieldValue: Codable, Sendable, Hashable {
    case null
    case text(String)
    case integer(Int)
    case list([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            // Text first: most values are text, and each failed attempt costs a thrown error.
            self = .text(text)
        } else if let number = try? container.decode(Int.self) {
            self = .integer(number)
        } else if let items = try? container.decode([String].self) {
            self = .list(items)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a field value must be null, a string, an integer or a list of strings")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .text(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        case .list(let items): try container.encode(items)
        }
    }

    /// Whether the value is absent (null or an empty list).
    public var isEmpty: Bool {
        switch self {
        case .null: return true
        case .list(let items): return items.isEmpty
        case .text(let text): return text.isEmpty
        case .integer: return false
        }
    }

    /// The value as a user reads it on the command line or in a CSV cell.
    public var displayText: String {
        switch self {
        case .null: return ""
        case .text(let text): return text
        case .integer(let number): return String(number)
        case .list(let items): return items.joined(separator: ";")
        }
    }
}

/// A field value together with the registry version that produced it.
public struct VersionedValue: Codable, Sendable, Hashable {
    /// The field's value.
    public var value: FieldValue
    /// The registry sequence number that last set it (0: never set on the registry).
    public var version: Int

    /// Creates a versioned value.
    public init(value: FieldValue, version: Int) {
        self.value = value
        self.version = version
    }
}

/// A pledge as a map of fields to values; the unit that sync moves and merges.
public typealias FieldMap = FieldDictionary<FieldValue>
