import Foundation

/// Results written by many threads, one slot each.
final class ResultSlots<Value>: @unchecked Sendable {
    /// One slot per thread.
    private var values: [Value?]
    /// Guards `values`.
    private let lock = NSLock()

    /// Creates `count` empty slots.
    init(count: Int) { values = Array(repeating: nil, count: count) }

    /// Fills slot `index`.
    func set(_ index: Int, _ value: Value) { lock.withLock { values[index] = value } }

    /// Every slot, nil where no thread reported.
    var all: [Value?] { lock.withLock { values } }
}
