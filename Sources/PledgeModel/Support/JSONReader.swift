import Foundation

/// Reads JSON token by token into the types sync moves in bulk, without `Codable`'s machinery.
///
/// Nodes decode every pull page and push answer, and both sides decode stored pledges; through
/// `JSONDecoder` that was the largest share of a node's sync CPU (docs/performance.md). Readers
/// accept what their `Decodable` conformances accept (unknown object keys are skipped, unknown
/// pledge fields are an error) and `CanonicalJSONTests` checks the two agree.
public struct JSONReader {
    /// Why a document could not be read, and where.
    public struct Failure: Error, CustomStringConvertible {
        /// What is wrong, with the byte offset.
        public let description: String
    }

    private let bytes: [UInt8]
    private var position = 0
    /// Object members the struct readers did not know and skipped (a strict caller refuses them).
    public private(set) var unknownMembersSkipped = 0
    private var depth = 0
    /// Deeper documents are refused rather than risking the stack.
    private static let maximumDepth = 256

    /// Starts reading `data`.
    public init(_ data: Data) {
        bytes = Array(data)
    }

    /// Reads one whole document as `T`; trailing bytes other than whitespace are an error.
    public static func read<T>(_ data: Data, _ body: (inout JSONReader) throws -> T) throws -> T {
        var reader = JSONReader(data)
        let value = try body(&reader)
        reader.skipWhitespace()
        guard reader.position == reader.bytes.count else { throw reader.failure("unexpected bytes after the JSON value") }
        return value
    }

    /// The first byte of the next value, without consuming it (nil at the end).
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `null` if it is next; returns whether it was.
    public mutating func readNullIfPresent() -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        guard bytes[position...].starts(with: "null".utf8) else { return false }
        position += 4
        return true
    }

    /// Reads a boolean.
    public mutating func readBool() throws -> Bool {
        if peek() == UInt8(ascii: "t"), bytes[position...].starts(with: "true".utf8) { position += 4; return true }
        if peek() == UInt8(ascii: "f"), bytes[position...].starts(with: "false".utf8) { position += 5; return false }
        throw failure("expected true or false")
    }

    /// Reads an integer (no fraction or exponent, within `Int`).
    public mutating func readInt() throws -> Int {
        guard let first = peek(), first == UInt8(ascii: "-") || isDigit(first) else { throw failure("expected an integer") }
        let start = position
        if first == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        guard position > digitsStart else { throw failure("expected an integer") }
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            throw failure("expected an integer, found a fraction or exponent")
        }
        guard bytes[digitsStart] != UInt8(ascii: "0") || position - digitsStart == 1,
              let number = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else {
            throw failure("the integer is malformed or out of range")
        }
        return number
    }

    /// Reads a string, resolving escapes; invalid UTF-8 and raw control characters are errors.
    public mutating func readString() throws -> String {
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string") }
        position += 1
        let start = position
        // Fast path: no escapes, so the bytes are the string.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return try validated(bytes[start..<position])
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("a control character must be escaped in a string") }
            position += 1
        }
        var decoded = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return try validated(decoded[...])
            case UInt8(ascii: "\\"):
                try readEscape(into: &decoded)
            case ..<0x20:
                throw failure("a control character must be escaped in a string")
            default:
                decoded.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    /// Reads an array, calling `element` once per element.
    public mutating func readArray(_ element: (inout JSONReader) throws -> Void) throws {
        guard peek() == UInt8(ascii: "[") else { throw failure("expected an array") }
        position += 1
        try nest()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "]") { position += 1; return }
        while true {
            try element(&self)
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return
            default: throw failure("expected , or ] in an array")
            }
        }
    }

    /// Reads an array of strings.
    public mutating func readStrings() throws -> [String] {
        var items: [String] = []
        try readArray { items.append(try $0.readString()) }
        return items
    }

    /// Reads an object, calling `member` with each key; `member` must read (or skip) the value.
    public mutating func readObject(_ member: (inout JSONReader, String) throws -> Void) throws {
        guard peek() == UInt8(ascii: "{") else { throw failure("expected an object") }
        position += 1
        try nest()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "}") { position += 1; return }
        while true {
            let key = try readString()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected : after the key \"\(key.prefix(40))\"") }
            position += 1
            try member(&self, key)
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return
            default: throw failure("expected , or } in an object")
            }
        }
    }

    /// Reads one value with `read` and returns it with its JSON text exactly as the document has it.
    public mutating func readKeepingText<T>(_ read: (inout JSONReader) throws -> T) throws -> (value: T, text: String) {
        skipWhitespace()
        let start = position
        let value = try read(&self)
        return (value, String(decoding: bytes[start..<position], as: UTF8.self))
    }

    /// Skips the value of an object member the reader does not know, and counts it.
    public mutating func skipUnknownMember() throws {
        unknownMembersSkipped += 1
        try skipValue()
    }

    /// Skips one value of any kind (an unknown key's value), checking that it is well-formed.
    public mutating func skipValue() throws {
        switch peek() {
        case UInt8(ascii: "{"): try readObject { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "["): try readArray { try $0.skipValue() }
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "n"): guard readNullIfPresent() else { throw failure("expected null") }
        default: try skipNumber()
        }
    }

    /// An error naming `message` and the current byte offset.
    public func failure(_ message: String) -> Failure {
        Failure(description: "\(message) (at byte \(position))")
    }

    // MARK: Internals

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func nest() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("the document nests deeper than \(Self.maximumDepth) levels") }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipNumber() throws {
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        guard position > integerStart else { throw failure("expected a value") }
        guard bytes[integerStart] != UInt8(ascii: "0") || position - integerStart == 1 else { throw failure("malformed number: leading zero") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard position > fractionStart else { throw failure("malformed number") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            let exponentStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard position > exponentStart else { throw failure("malformed number") }
        }
    }

    private func validated(_ slice: ArraySlice<UInt8>) throws -> String {
        // Through contiguous memory: given the slice itself, `String(validating:)` takes its generic,
        // byte-at-a-time path, which was a fifth of the registry's pull CPU.
        // ASCII (nearly every string here) is valid UTF-8 as it is: `String(decoding:)` copies it
        // without the validating initializer's generic metadata lookups.
        let text = slice.withUnsafeBufferPointer { buffer in
            buffer.allSatisfy { $0 < 0x80 } ? String(decoding: buffer, as: UTF8.self) : String(validating: buffer, as: UTF8.self)
        }
        guard let text else { throw failure("a string is not valid UTF-8") }
        return text
    }

    private mutating func readEscape(into decoded: inout [UInt8]) throws {
        guard position < bytes.count else { throw failure("unterminated escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one.
                guard bytes[position...].starts(with: "\\u".utf8) else { throw failure("unpaired surrogate in a string") }
                position += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in a string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw failure("unpaired surrogate in a string")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
            decoded.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw failure("invalid escape \\\(Character(Unicode.Scalar(byte)))")
        }
    }

    private mutating func readHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }
}

/// A type that reads itself from JSON, accepting what its `Decodable` conformance accepts.
public protocol CanonicalJSONReadable {
    /// Reads one value at the reader's position.
    init(json reader: inout JSONReader) throws
}
