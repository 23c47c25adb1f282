import Foundation

/// The one JSON configuration of the project, for storage, the wire, signatures and hashes:
/// sorted keys and unescaped slashes, so equal values always give equal bytes.
///
/// The coders are made once and shared: creating a `JSONEncoder` per value was a measured hot spot
/// of the push path (docs/performance.md). Foundation's coders are safe to use from several threads.
public enum CanonicalJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static let prettyEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder = JSONDecoder()

    /// Encodes canonically (by the type's own writer when it has one: the same bytes, faster).
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        if let writable = value as? any CanonicalJSONWritable { return Data(bytes(of: writable)) }
        return try encoder.encode(value)
    }

    /// Encodes canonically to a UTF-8 string.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        if let writable = value as? any CanonicalJSONWritable { return String(decoding: bytes(of: writable), as: UTF8.self) }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Encodes a type that writes itself (chosen at compile time: no dynamic cast).
    public static func encode(_ value: some CanonicalJSONWritable & Encodable) throws -> Data {
        Data(bytes(of: value))
    }

    /// Encodes a type that writes itself to a UTF-8 string.
    public static func string(_ value: some CanonicalJSONWritable & Encodable) throws -> String {
        String(decoding: bytes(of: value), as: UTF8.self)
    }

    /// Encodes with `JSONEncoder` only, never a hand-written writer: the reference the writers are tested against.
    public static func encodeWithFoundation<T: Encodable>(_ value: T) throws -> Data {
        try encoder.encode(value)
    }

    private static func bytes(of value: any CanonicalJSONWritable) -> [UInt8] {
        var writer = JSONWriter()
        value.writeJSON(to: &writer)
        return writer.bytes
    }

    /// Encodes for people: sorted keys, indented.
    public static func pretty<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try prettyEncoder.encode(value), as: UTF8.self)
    }

    /// Decodes from bytes (by the type's own reader when it has one: the same values, faster).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let readable = type as? any CanonicalJSONReadable.Type {
            return try JSONReader.read(data) { reader in try readable.init(json: &reader) } as! T
        }
        return try decoder.decode(type, from: data)
    }

    /// Decodes from a UTF-8 string.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decode(type, from: Data(text.utf8))
    }

    /// Decodes with `JSONDecoder` only: for requests whose errors must name the path
    /// (`DecodingError`), and as the reference the readers are tested against.
    public static func decodeWithFoundation<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder.decode(type, from: data)
    }
}
