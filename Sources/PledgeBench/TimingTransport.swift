import SyncClient

/// Wraps a transport and adds up the wall time spent in requests (waiting on the network and the registry).
final class TimingTransport: HTTPTransport {
    /// The real transport (libcurl).
    private let inner: any HTTPTransport
    /// Seconds spent inside `send`, in all.
    private(set) var seconds = 0.0

    /// Wraps `inner`.
    init(_ inner: any HTTPTransport) { self.inner = inner }

    /// What has gone over the wire, as the real transport counts it.
    var counters: WireCounters { inner.counters }

    /// Sends through the real transport, timing it.
    func send(_ request: HTTPRequestSpec) throws -> HTTPReply {
        let start = Stopwatch.now()
        defer { seconds += Stopwatch.now() - start }
        return try inner.send(request)
    }
}
