import Dispatch
import Foundation

extension Signatures {
    /// Checks many signatures at once, on every core: whether each `signature` (nil: unsigned, so
    /// false) is `publicKey`'s signature of its `bytes`, in order.
    ///
    /// A push batch carries up to a thousand signed changes and their receipts; one Ed25519
    /// verification costs about as much as applying a change, and the other side of the
    /// connection is idle while it waits, so the work is spread over the cores.
    public static func areValid(_ items: [(signature: String?, bytes: Data)], publicKey: String) -> [Bool] {
        parallelMap(items.count) { index in
            items[index].signature.map { isValid($0, of: items[index].bytes, publicKey: publicKey) } ?? false
        }
    }
}

extension SigningKey {
    /// Signs each of `items`, on every core; the signatures (base64) in order.
    public func sign(all items: [Data]) throws -> [String] {
        let signatures = parallelMap(items.count) { index in try? sign(items[index]) }
        return try signatures.map { signature in
            guard let signature else { throw Signatures.Failure(description: "a signature could not be made") }
            return signature
        }
    }
}

/// `work(0..<count)` computed on all cores, results in index order.
func parallelMap<T>(_ count: Int, _ work: (Int) -> T) -> [T] {
    guard count > 1 else { return (0..<count).map(work) }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        // Each lane fills its own indices, so no two threads write the same element, and `work`
        // only reads what the caller handed in: safe to share although the types are not `Sendable`.
        nonisolated(unsafe) let base = buffer.baseAddress!
        nonisolated(unsafe) let work = work
        let lanes = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in stride(from: lane, to: count, by: lanes) { (base + index).initialize(to: work(index)) }
        }
        initialized = count
    }
}
