import Foundation

/// The machine's unwritten file pages, flushed before each scenario and before timed rounds.
///
/// The kernel writes dirty pages back in the background (after about 30 s, sooner once enough are
/// dirty), on the same 2 cores the timed syncs use, and the build and the scenarios that fill
/// databases leave such pages. Flushed first, the rounds time the sync rather than that write-back.
/// On the development machine the flushes took 0.3–23 ms (docs/performance.md, step 36): a guard,
/// whose cost the log shows. `sync(2)` flushes every file system; where this runs, the local disk.
enum DirtyPages {
    /// Writes every dirty page to disk (`sync(2)`), saying so and how long it took.
    static func flush(before section: String) {
        let start = Stopwatch.now()
        sync()
        BenchLog.say("\(section): wrote dirty pages to disk before timing (\(Format.seconds(Stopwatch.now() - start)))")
    }
}
