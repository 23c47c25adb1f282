import Foundation
import SyncClient

/// Wraps a transport and adds up the wall time during which a request is in flight (waiting on the
/// network and the registry); two requests at once count once.
final class TimingTransport: HTTPTransport, @unchecked Sendable {
    /// The real transport (libcurl).
    private let inner: any HTTPTransport
    // Guards the fields below.
    private let lock = NSLock()
    private var inFlight = 0
    private var busySince = 0.0
    private var busySeconds = 0.0

    /// Wraps `inner`.
    init(_ inner: any HTTPTransport) { self.inner = inner }

    /// Seconds during which at least one request was in flight, in all.
    var seconds: Double { lock.withLock { busySeconds } }

    /// What has gone over the wire, as the real transport counts it.
    var counters: WireCounters { inner.counters }

    /// As many requests at once as the real transport allows.
    var maximumConcurrentRequests: Int { inner.maximumConcurrentRequests }

    /// Sends through the real transport, timing it.
    func send(_ request: HTTPRequestSpec) throws -> HTTPReply {
        lock.withLock {
            if inFlight == 0 { busySince = Stopwatch.now() }
            inFlight += 1
        }
        defer {
            lock.withLock {
                inFlight -= 1
                if inFlight == 0 { busySeconds += Stopwatch.now() - busySince }
            }
        }
        return try inner.send(request)
    }
}
