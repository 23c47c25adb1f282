/// A map keyed by pledge field, kept as one slot per field in declaration order.
///
/// Every change, stored pledge, answer and pulled page holds its fields in one of these. As a
/// `Dictionary` each lookup and insert hashed the key and probed a table, which was a tenth of the
/// registry's push CPU (docs/performance.md); here a field's slot is its ordinal. It reads like a
/// `Dictionary` (subscript, `keys`, `values`, `mapValues`, `filter`, `merge`, literals) and iterates its
/// entries in field order.
public struct FieldDictionary<Value> {
    /// One slot per field, or none until the first value is set (an empty map allocates nothing).
    @usableFromInline var slots: [Value?]
    /// How many fields have a value.
    @inlinable public var count: Int { storedCount }
    /// Backs `count` (settable from inlined code).
    @usableFromInline var storedCount: Int

    /// An empty map.
    @inlinable public init() {
        slots = []
        storedCount = 0
    }

    /// Whether no field has a value.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// The value of `field`, nil when it has none; setting nil removes it.
    @inlinable public subscript(field: PledgeField) -> Value? {
        get { slots.isEmpty ? nil : slots[field.ordinal] }
        set {
            if slots.isEmpty {
                guard newValue != nil else { return }
                slots = Array(repeating: nil, count: PledgeField.inOrder.count)
            }
            let index = field.ordinal
            storedCount += (newValue == nil ? 0 : 1) - (slots[index] == nil ? 0 : 1)
            slots[index] = newValue
        }
    }

    // `keys` and `values` walk the slots with closures, not `map(\.key)`: a key path into this
    // generic type's element is built at run time on every call, which was 4% of the registry's push.

    /// The fields that have a value, in field order.
    @inlinable public var keys: [PledgeField] {
        var keys: [PledgeField] = []
        keys.reserveCapacity(count)
        for (index, slot) in slots.enumerated() where slot != nil { keys.append(PledgeField.inOrder[index]) }
        return keys
    }

    /// The values, in field order.
    @inlinable public var values: [Value] { slots.compactMap { $0 } }

    /// Removes `field`'s value and returns it.
    @discardableResult
    @inlinable public mutating func removeValue(forKey field: PledgeField) -> Value? {
        let old = self[field]
        self[field] = nil
        return old
    }

    /// The same fields with each value transformed.
    @inlinable public func mapValues<T>(_ transform: (Value) throws -> T) rethrows -> FieldDictionary<T> {
        var mapped = FieldDictionary<T>()
        for (field, value) in self { mapped[field] = try transform(value) }
        return mapped
    }

    /// The entries that satisfy `isIncluded`, as a map (as `Dictionary.filter` gives).
    @inlinable public func filter(_ isIncluded: ((key: PledgeField, value: Value)) throws -> Bool) rethrows -> FieldDictionary<Value> {
        var kept = FieldDictionary()
        for entry in self where try isIncluded(entry) { kept[entry.key] = entry.value }
        return kept
    }

    /// Sets every entry of `other`, keeping `combine`'s choice where both have the field.
    @inlinable public mutating func merge(_ other: FieldDictionary<Value>, uniquingKeysWith combine: (Value, Value) throws -> Value) rethrows {
        for (field, value) in other { self[field] = try self[field].map { try combine($0, value) } ?? value }
    }

    /// This map with every entry of `other` set, keeping `combine`'s choice where both have the field.
    @inlinable public func merging(_ other: FieldDictionary<Value>, uniquingKeysWith combine: (Value, Value) throws -> Value) rethrows -> FieldDictionary<Value> {
        var merged = self
        try merged.merge(other, uniquingKeysWith: combine)
        return merged
    }
}

extension FieldDictionary: Sequence {
    /// Walks the fields that have a value, in field order.
    public struct Iterator: IteratorProtocol {
        @usableFromInline let slots: [Value?]
        @usableFromInline var index = 0

        @usableFromInline init(slots: [Value?]) {
            self.slots = slots
        }

        @inlinable public mutating func next() -> (key: PledgeField, value: Value)? {
            while index < slots.count {
                defer { index += 1 }
                if let value = slots[index] { return (PledgeField.inOrder[index], value) }
            }
            return nil
        }
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(slots: slots) }

    @inlinable public var underestimatedCount: Int { count }
}

extension FieldDictionary: ExpressibleByDictionaryLiteral {
    @inlinable public init(dictionaryLiteral elements: (PledgeField, Value)...) {
        self.init()
        for (field, value) in elements {
            precondition(self[field] == nil, "field \(field.rawValue) appears twice in a literal")
            self[field] = value
        }
    }
}

extension FieldDictionary: Equatable where Value: Equatable {
    @inlinable public static func == (lhs: FieldDictionary, rhs: FieldDictionary) -> Bool {
        guard lhs.count == rhs.count else { return false }
        // Equal counts, so every field of one found equal in the other makes them equal.
        return lhs.allSatisfy { rhs[$0.key] == $0.value }
    }
}

extension FieldDictionary: Hashable where Value: Hashable {
    @inlinable public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for (field, value) in self {
            hasher.combine(field)
            hasher.combine(value)
        }
    }
}

extension FieldDictionary: Sendable where Value: Sendable {}

extension FieldDictionary: CustomStringConvertible {
    public var description: String {
        isEmpty ? "[:]" : "[" + map { "\($0.key.rawValue): \($0.value)" }.joined(separator: ", ") + "]"
    }
}

/// Encoded and decoded as a JSON object keyed by field name, exactly as `[PledgeField: Value]` is.
extension FieldDictionary: Encodable where Value: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FieldCodingKey.self)
        for (field, value) in self { try container.encode(value, forKey: FieldCodingKey(stringValue: field.rawValue)) }
    }
}

extension FieldDictionary: Decodable where Value: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldCodingKey.self)
        self.init()
        for key in container.allKeys {
            guard let field = PledgeField(rawValue: key.stringValue) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "unknown pledge field \"\(key.stringValue)\"")
            }
            self[field] = try container.decode(Value.self, forKey: key)
        }
    }
}

/// A JSON object key that names a pledge field (or, when decoding, anything to check).
private struct FieldCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        nil
    }
}
