import NIOCore
import NIOPosix

/// How the registry's process runs Swift concurrency.
public enum ServerRuntime {
    /// Makes NIO's event loops Swift concurrency's global executor, so a request is handled on the
    /// thread that read it. Otherwise each request crosses from an event loop to the concurrency
    /// pool and back: two thread wake-ups, a third of a no-op pull's time on loopback
    /// (docs/performance.md). The server's storage calls are short synchronous reads or async
    /// writes that wait on GRDB's own queue, so nothing holds an event loop for long.
    ///
    /// Call it first thing on the main thread, once, before any task starts; returns whether it took.
    @discardableResult
    public static func runConcurrencyOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
