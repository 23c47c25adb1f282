import Foundation
import PledgeModel
import PledgeSecurity

extension AuditEntry {
    /// The hash this entry should carry: SHA-256 over every other field, in a fixed order.
    public func computedHash() -> String {
        // `length:text` for each part, joined by `|`, built as bytes in one buffer and hashed where it
        // lies (this runs for every entry the registry appends).
        var canonical: [UInt8] = []
        canonical.reserveCapacity(256 + value.utf8.count)
        Self.append(decimal: id, to: &canonical)
        Self.append(decimal: seq, to: &canonical)
        // One call per part, not a loop over an array of them: the array was allocated for every entry.
        Self.append(changeId, to: &canonical)
        Self.append(pledgeId, to: &canonical)
        Self.append(field, to: &canonical)
        Self.append(value, to: &canonical)
        Self.append(kind, to: &canonical)
        Self.append(actor, to: &canonical)
        Self.append(receivedAt, to: &canonical)
        Self.append(previousHash, to: &canonical)
        return canonical.withUnsafeBytes { Digest.sha256(bytes: $0) }
    }

    /// Appends `|length:text` (without the `|` for the first part).
    private static func append(_ part: String, to canonical: inout [UInt8]) {
        var part = part
        part.withUTF8 { bytes in
            if !canonical.isEmpty { canonical.append(UInt8(ascii: "|")) }
            appendDigits(of: bytes.count, to: &canonical)
            canonical.append(UInt8(ascii: ":"))
            canonical.append(contentsOf: bytes)
        }
    }

    /// Appends a number as a part: its decimal text, prefixed by that text's length.
    private static func append(decimal number: Int, to canonical: inout [UInt8]) {
        if !canonical.isEmpty { canonical.append(UInt8(ascii: "|")) }
        var length = number < 0 ? 2 : 1
        var rest = number.magnitude
        while rest >= 10 {
            rest /= 10
            length += 1
        }
        appendDigits(of: length, to: &canonical)
        canonical.append(UInt8(ascii: ":"))
        appendDigits(of: number, to: &canonical)
    }

    /// Appends `number`'s decimal digits (`String(number)`'s bytes, sign included), without making a string.
    private static func appendDigits(of number: Int, to bytes: inout [UInt8]) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        var rest = number.magnitude
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }
}

/// Recomputes a log's hash chain.
public enum AuditChain {
    /// The outcome of a verification.
    public struct Verdict: Codable, Sendable, Hashable {
        /// Entries checked.
        public var entries: Int
        /// The first entry that does not verify, if any.
        public var firstBrokenEntry: Int?
        /// Why it does not verify.
        public var problem: String?

        /// Whether the whole chain verifies.
        public var isIntact: Bool { firstBrokenEntry == nil }
    }

    /// Checks that each entry's hash is right and commits to the entry before it, and that the log
    /// still holds each anchor: a head some node was given, so entries cut from the end show.
    public static func verify<S: Sequence>(_ entries: S, anchors: [AuditHead] = []) -> Verdict where S.Element == AuditEntry {
        var previous = AuditEntry.genesisHash
        var count = 0
        var anchored = Dictionary(anchors.map { ($0.entry, $0.hash) }, uniquingKeysWith: { first, _ in first })
        for entry in entries {
            count += 1
            if let expected = anchored.removeValue(forKey: entry.id), expected != entry.hash {
                return Verdict(entries: count, firstBrokenEntry: entry.id,
                               problem: "entry \(entry.id) is not the entry a node was given as the log's head (hash \(expected.prefix(12))…)")
            }
            if entry.previousHash != previous {
                return Verdict(entries: count, firstBrokenEntry: entry.id, problem: "entry \(entry.id) does not commit to the entry before it")
            }
            if entry.computedHash() != entry.hash {
                return Verdict(entries: count, firstBrokenEntry: entry.id, problem: "entry \(entry.id) was altered: its content does not match its hash")
            }
            previous = entry.hash
        }
        if let missing = anchored.keys.min() {
            return Verdict(entries: count, firstBrokenEntry: missing,
                           problem: "entry \(missing), which a node was given as the log's head, is missing: the log was cut after entry \(count)")
        }
        return Verdict(entries: count, firstBrokenEntry: nil, problem: nil)
    }
}
