import Crypto
import Foundation
import PledgeModel
import PledgeSecurity

extension AuditEntry {
    /// The hash this entry should carry: SHA-256 over every other field, in a fixed order.
    public func computedHash() -> String {
        // `length:text` for each part, joined by `|`, fed to the hash part by part (this runs for
        // every entry the registry appends; copying the parts into one buffer first was 1.5% of the push).
        var hash = SHA256()
        var isFirst = true
        func feed(_ part: String) {
            var part = part
            part.withUTF8 { bytes in
                // At most `|` and 20 digits and `:`: a small string, never allocated.
                var header = isFirst ? "" : "|"
                header += String(bytes.count)
                header += ":"
                header.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
                hash.update(bufferPointer: UnsafeRawBufferPointer(bytes))
            }
            isFirst = false
        }
        feed(String(id))
        feed(String(seq))
        feed(changeId)
        feed(pledgeId)
        feed(field)
        feed(value)
        feed(kind)
        feed(actor)
        feed(receivedAt)
        feed(previousHash)
        return Digest.hex(hash.finalize())
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
