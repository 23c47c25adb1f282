import Glibc

/// The machine's unwritten file pages, flushed before each scenario and before the timed no-op rounds.
///
/// The kernel writes dirty pages back within about 30 s of their writing, on the same 2 cores the
/// timed syncs use: the release build just before the scenarios leaves hundreds of megabytes, and
/// so do the scenarios that fill databases. Flushed first, the rounds time the no-op sync rather
/// than that write-back.
enum DirtyPages {
    /// Writes every dirty page to disk (`sync(2)`), saying so.
    static func flush(before section: String) {
        BenchLog.say("\(section): writing dirty pages to disk before timing")
        sync()
    }
}
