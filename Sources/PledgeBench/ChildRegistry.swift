import Foundation

/// Every child still running, written to a file so `Scripts/bench` can kill leftovers if the bench dies.
final class ChildRegistry: @unchecked Sendable {
    /// The one registry of this process.
    static let shared = ChildRegistry()
    /// The file listing live child pids, one a line (nil: not recorded).
    var pidFile: String?
    /// Pids of children not yet reaped.
    private var pids: Set<pid_t> = []
    /// Guards `pids` (children are started and reaped from several threads).
    private let lock = NSLock()

    /// Records a started child.
    func add(_ pid: pid_t) { lock.withLock { pids.insert(pid); write() } }

    /// Forgets a reaped child.
    func remove(_ pid: pid_t) { lock.withLock { pids.remove(pid); write() } }

    /// Kills every child still recorded (on the way out after a failure).
    func killAll() { lock.withLock { for pid in pids { kill(pid, SIGKILL) } } }

    /// Rewrites the pid file from `pids`.
    private func write() {
        guard let pidFile else { return }
        try? pids.map(String.init).joined(separator: "\n").write(toFile: pidFile, atomically: true, encoding: .utf8)
    }
}
