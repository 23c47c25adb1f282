import Foundation

/// One call running on a worker thread while the caller works on; `value()` waits for its result.
///
/// Sync overlaps the network with the store: the next pull page is fetched while this one is
/// committed, and push batches travel while the previous answer is recorded. At most as many calls
/// as the client's transport allows are in flight at once, and the caller touches only the store meanwhile.
final class Background<Value>: @unchecked Sendable {
    // Written once on the worker thread before `finished` is signalled, read after waiting on it.
    private var result: Result<Value, any Error>?
    private let finished = DispatchSemaphore(value: 0)
    private var waited = false

    /// Starts `work` on the worker thread.
    init(_ work: @escaping () throws -> Value) {
        nonisolated(unsafe) let work = work
        backgroundWorker.async { [self] in
            result = Result { try work() }
            finished.signal()
        }
    }

    /// Waits for the call and returns its value or throws its error.
    func value() throws -> Value {
        if !waited {
            finished.wait()
            waited = true
        }
        return try result!.get()
    }

    /// Waits for the call to end, ignoring its outcome (before giving up on it after an error).
    func finish() {
        _ = try? value()
    }
}

/// Background calls run on Dispatch's pooled threads rather than a new thread per page; the queue is
/// concurrent because one process may run many syncs at once (the bench's 200 nodes).
private let backgroundWorker = DispatchQueue(label: "pledge.sync.background", attributes: .concurrent)
