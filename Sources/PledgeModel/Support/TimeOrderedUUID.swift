import Foundation

/// Time-ordered UUIDs (RFC 9562, version 7): 48 bits of Unix milliseconds, then a 12-bit sequence,
/// then 62 random bits.
///
/// Ids made one after another sort one after another, so SQLite inserts each new change id at the
/// right edge of its primary-key index instead of on a random page. With random (version 4) change
/// ids a push batch of 500 touched about as many index pages as it had changes, and each was written
/// whole to the WAL at commit, on both sides (docs/performance.md, step 27).
public enum TimeOrderedUUID {
    /// A fresh id, lowercase, greater than every id this process made before.
    public static func make() -> String { shared.make(now: Date()) }

    /// The process's generator: one clock, so ids made on any thread keep their order.
    private static let shared = Generator()

    /// The 8-4-4-4-12 lowercase text of the 128 bits `high` then `low` (big-endian).
    static func format(high: UInt64, low: UInt64) -> String {
        let h = withUnsafeBytes(of: high.bigEndian, Array.init), l = withUnsafeBytes(of: low.bigEndian, Array.init)
        let uuid = UUID(uuid: (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]))
        return uuid.uuidString.lowercased()
    }

    /// Makes ids from one clock (RFC 9562 section 6.2, method 1: the 12-bit sequence counts within
    /// one millisecond; when it runs out, or the clock steps back, the timestamp moves on by one instead).
    /// Locked: ids are made on several threads.
    final class Generator: @unchecked Sendable {
        private let lock = NSLock()
        private var lastMilliseconds: UInt64 = 0
        private var lastSequence: UInt16 = 0

        /// An id for the time `now`, greater than every id this generator made before.
        func make(now: Date) -> String {
            let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
            let (timestamp, sequence) = next(milliseconds: milliseconds)
            var random = SystemRandomNumberGenerator()
            let tail = random.next() as UInt64
            let high = timestamp << 16 | 0x7000 | UInt64(sequence)
            let low = tail & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
            return TimeOrderedUUID.format(high: high, low: low)
        }

        private func next(milliseconds: UInt64) -> (timestamp: UInt64, sequence: UInt16) {
            lock.lock()
            defer { lock.unlock() }
            if milliseconds > lastMilliseconds {
                // A new millisecond starts the sequence at a random point in its lower half, so ids
                // of two processes in the same millisecond rarely share a prefix, and there is room to count.
                lastMilliseconds = milliseconds
                lastSequence = UInt16.random(in: 0..<0x800)
            } else if lastSequence < 0xFFF {
                lastSequence += 1
            } else {
                lastMilliseconds += 1
                lastSequence = 0
            }
            return (lastMilliseconds, lastSequence)
        }
    }
}
