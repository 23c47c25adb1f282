import Foundation
import GRDB

/// Copies committed WAL frames back into the registry's database file on a connection and thread
/// of its own, so that the writer's transactions do not pay for it.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the writer's
/// thread, which is the one thread every push waits for: about half of the bytes a push writes were
/// that copy (docs/performance.md, step 30). A passive checkpoint on another connection runs while
/// the writer goes on appending to the WAL; the writer keeps SQLite's automatic checkpoint as a
/// backstop at a higher threshold (`writerThreshold`), so the WAL stays bounded even if checkpoints
/// here fail or fall behind.
final class BackgroundCheckpointer: @unchecked Sendable {
    /// The writer's own automatic-checkpoint threshold, in pages (4 KB each): the backstop.
    static let writerThreshold = 10_000

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "pledge.registry.checkpoint", qos: .utility)
    private let lock = NSLock()
    private var isScheduled = false

    /// Opens a connection of its own to the (already migrated) database at `path`.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "checkpointer"
        connection = try DatabaseQueue(path: path, configuration: configuration)
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
            // A failure leaves the frames in the WAL for the next checkpoint, or the writer's backstop.
            try? connection.inDatabase { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
    }
}
