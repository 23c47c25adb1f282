import Foundation

/// Holds threads until all have arrived and the gate is opened, so they start at the same moment.
final class StartGate: @unchecked Sendable {
    /// Guards the counters and wakes the waiters.
    private let condition = NSCondition()
    /// Workers that have reached the gate.
    private var arrived = 0
    /// Whether the conductor has opened the gate.
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
