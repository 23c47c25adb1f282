import Foundation

/// The one JSON configuration used for storage and the wire: sorted keys, so equal values give equal bytes.
public enum JSONCoding {
    /// Encodes with sorted keys and no escaping of slashes.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Encodes to a UTF-8 string.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    /// Encodes for people: sorted keys, indented.
    public static func pretty<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes from bytes.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }

    /// Decodes from a UTF-8 string.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// Timestamps in ISO 8601 UTC, as stored and shown.
public enum Timestamp {
    /// The current time, e.g. `2025-05-13T09:30:00Z`.
    public static func now() -> String { Date().ISO8601Format() }
}

/// Fresh lowercase UUIDs for pledge and change ids.
public enum Identifier {
    /// A new random UUID, lowercase.
    public static func make() -> String { UUID().uuidString.lowercased() }
}
