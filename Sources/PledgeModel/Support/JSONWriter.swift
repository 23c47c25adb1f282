/// Writes JSON bytes by hand, byte for byte what `CanonicalJSON`'s `JSONEncoder` settings produce
/// (sorted keys, unescaped slashes, nil optionals left out).
///
/// Sync encodes every change, result and pulled pledge several times (content hash, signature,
/// storage, the wire); through `Codable` that was over half of the registry's push CPU
/// (docs/performance.md). The types sync moves in bulk write themselves with this instead;
/// `CanonicalJSONTests` checks their bytes against `JSONEncoder`'s.
public struct JSONWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() {
        bytes.reserveCapacity(512)
    }

    /// Writes a string with JSON's escapes: `"`, `\`, and control characters.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                escape(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: Array("u00".utf8))
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0f)])
        }
    }

    /// Writes `json`, already a well-formed JSON value, byte for byte.
    public mutating func raw(_ json: String) {
        var json = json
        json.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Writes `bytes`, already well-formed JSON (or a fixed part of it), as they are.
    public mutating func raw(_ json: [UInt8]) {
        bytes.append(contentsOf: json)
    }

    /// Writes an integer.
    public mutating func integer(_ number: Int) {
        bytes.append(contentsOf: String(number).utf8)
    }

    /// Writes `true` or `false`.
    public mutating func boolean(_ value: Bool) {
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes `null`.
    public mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes an object whose members `body` writes with `member`, which the caller names in sorted order.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        body(&self)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Inside `object`: writes `"key":` and then the value `body` writes.
    public mutating func member(_ key: String, _ body: (inout JSONWriter) -> Void) {
        // A comma unless this is the object's first member (the last byte is then its brace).
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        string(key)
        bytes.append(UInt8(ascii: ":"))
        body(&self)
    }

    /// Inside `object`: writes the member only when `value` is not nil (as `encodeIfPresent` does).
    public mutating func member<T>(_ key: String, ifPresent value: T?, _ body: (inout JSONWriter, T) -> Void) {
        if let value { member(key) { body(&$0, value) } }
    }

    /// Writes an array of `items`, each with `element`.
    public mutating func array<S: Sequence>(_ items: S, _ element: (inout JSONWriter, S.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for item in items {
            if bytes.last != UInt8(ascii: "[") { bytes.append(UInt8(ascii: ",")) }
            element(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an array of strings.
    public mutating func strings(_ items: [String]) {
        array(items) { $0.string($1) }
    }

    /// Writes a map keyed by pledge field, keys in sorted order.
    @_specialize(where V == FieldValue)
    @_specialize(where V == VersionedValue)
    @_specialize(where V == BaseVersion)
    public mutating func fieldMap<V>(_ map: FieldDictionary<V>, _ value: (inout JSONWriter, V) -> Void) {
        fieldMap(map, inserting: nil, value)
    }

    /// Writes a map keyed by pledge field, with one more string member (`extra`) in its sorted place.
    // Specialized here for the three maps every change and page carries: callers in other modules
    // otherwise run the generic body, reading each value through its type's metadata.
    @_specialize(where V == FieldValue)
    @_specialize(where V == VersionedValue)
    @_specialize(where V == BaseVersion)
    public mutating func fieldMap<V>(_ map: FieldDictionary<V>, inserting extra: (key: String, value: String)?,
                                     _ value: (inout JSONWriter, V) -> Void) {
        // Which fields are present, as a bit per field, so only those are read (for a value type
        // other than the three specialized above, each read copies the value through its type's
        // witnesses); each key's `"name":` bytes are made once (field names need no escaping).
        var present: UInt64 = 0
        for (field, _) in map { present |= 1 << UInt64(field.ordinal) }
        var extra = extra
        bytes.append(UInt8(ascii: "{"))
        for (field, key) in PledgeField.sortedKeys {
            if let member = extra, !field.rawValue.utf8.lexicographicallyPrecedes(member.key.utf8) {
                self.member(member.key) { $0.string(member.value) }
                extra = nil
            }
            guard present & (1 << UInt64(field.ordinal)) != 0 else { continue }
            if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: key)
            value(&self, map[field]!)
        }
        if let member = extra { self.member(member.key) { $0.string(member.value) } }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes any value that writes itself.
    public mutating func value(_ item: some CanonicalJSONWritable) {
        item.writeJSON(to: &self)
    }
}

/// A type that writes its own canonical JSON (the same bytes its `Encodable` conformance gives).
public protocol CanonicalJSONWritable {
    /// Writes the value to `writer`.
    func writeJSON(to writer: inout JSONWriter)
}

extension PledgeField {
    /// Every field, ordered by name as sorted JSON keys are (by UTF-8 bytes).
    public static let sortedByName: [PledgeField] = allCases.sorted { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }

    /// Every field in that order with its JSON key as written in an object: `"name":`.
    static let sortedKeys: [(PledgeField, [UInt8])] = sortedByName.map { ($0, Array("\"\($0.rawValue)\":".utf8)) }
}
