import Foundation
import GRDB

/// Copies committed WAL frames back into the registry's database file on a connection and thread
/// of its own, so that the writer's transactions do not pay for it.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the writer's
/// thread, which is the one thread every push waits for (docs/performance.md, step 30). A passive
/// checkpoint on another connection runs while the writer goes on appending to the WAL. The
/// writer keeps SQLite's automatic checkpoint at a higher threshold (`writerThreshold`) in case
/// checkpoints here fail or fall behind. Neither can copy frames a reader still needs: a reader
/// that stays open for long (a large pull) lets the WAL grow past the threshold until it ends.
final class BackgroundCheckpointer: @unchecked Sendable {
    /// The writer's own automatic-checkpoint threshold, in pages (4 KB each).
    static let writerThreshold = 10_000

    private let path: String
    private let queue = DispatchQueue(label: "pledge.registry.checkpoint", qos: .utility)
    private let lock = NSLock()
    private var isScheduled = false
    /// Opened on the first checkpoint, on `queue` only: a command that opens the registry to issue
    /// a token and exits never opens it.
    private var connection: DatabaseQueue?

    /// A checkpointer for the (already migrated) database at `path`.
    init(path: String) {
        self.path = path
    }

    /// Asks for a checkpoint soon; requests made while one waits to start are folded into it.
    func request() {
        let shouldSchedule = lock.withLock {
            defer { isScheduled = true }
            return !isScheduled
        }
        guard shouldSchedule else { return }
        queue.async { [self] in
            lock.withLock { isScheduled = false }
            // A failure leaves the frames in the WAL for the next checkpoint, or the writer's own.
            try? openedConnection().inDatabase { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
    }

    /// The checkpoint connection, opened on first use (called on `queue` only).
    private func openedConnection() throws -> DatabaseQueue {
        if let connection { return connection }
        var configuration = Configuration()
        configuration.label = "checkpointer"
        // Opening reads the database, which another process's write lock can make wait a moment.
        configuration.busyMode = .timeout(30)
        let opened = try DatabaseQueue(path: path, configuration: configuration)
        connection = opened
        return opened
    }
}
