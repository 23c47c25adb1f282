import Foundation

/// Holds threads until all have arrived and the gate is opened, so they start at the same moment.
final class StartGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived = 0
    private var isOpen = false

    /// Called by a worker: counts it as ready, then waits for the gate to open.
    func arriveAndWait() {
        condition.lock()
        arrived += 1
        condition.broadcast()
        while !isOpen { condition.wait() }
        condition.unlock()
    }

    /// Called by the conductor: waits until `count` workers are ready.
    func waitForArrivals(_ count: Int) {
        condition.lock()
        while arrived < count { condition.wait() }
        condition.unlock()
    }

    /// Lets every waiting worker go.
    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Results written by many threads, one slot each.
final class ResultSlots<Value>: @unchecked Sendable {
    private var values: [Value?]
    private let lock = NSLock()

    /// Creates `count` empty slots.
    init(count: Int) { values = Array(repeating: nil, count: count) }

    /// Fills slot `index`.
    func set(_ index: Int, _ value: Value) { lock.withLock { values[index] = value } }

    /// Every slot, nil where no thread reported.
    var all: [Value?] { lock.withLock { values } }
}
