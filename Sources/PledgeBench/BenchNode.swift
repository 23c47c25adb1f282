import Foundation
import PledgeModel
import PledgeStore
import SyncClient

/// A delegation laptop (or Secretariat node) in this process: a real NodeStore synced by the real
/// SyncEngine through RegistryClient over libcurl, so requests and bytes can be counted.
final class BenchNode {
    /// The node's store.
    let store: NodeStore
    /// The libcurl transport, timed.
    let transport: TimingTransport
    /// The registry client over that transport.
    let client: RegistryClient
    /// Retries the client made (each a failed attempt that was tried again).
    var retries: Int { retryLock.withLock { retryCount } }
    // Two push batches travel at once, so the client may report retries from two threads.
    private let retryLock = NSLock()
    private var retryCount = 0

    /// Creates a fresh node at `path` for `delegation` (nil: the Secretariat), pointed at `url` with `token`.
    convenience init(path: String, delegation: String?, device: String, url: String, token: String) throws {
        let store = try NodeStore(path: path)
        try store.initialize(NodeIdentity(delegation: delegation, device: device, registryURL: url, token: token))
        self.init(store: store, url: url, token: token)
    }

    /// Wraps an existing, initialised store with its own libcurl handle.
    init(store: NodeStore, url: String, token: String) {
        self.store = store
        transport = TimingTransport(CurlTransport())
        client = RegistryClient(baseURL: url, token: token, transport: transport)
        client.onRetry = { [unowned self] _, _, _ in retryLock.withLock { retryCount += 1 } }
    }

    /// Records `pledges` offline in one transaction (as `pledge import` does); returns the seconds it took.
    @discardableResult
    func record(_ pledges: [Pledge]) throws -> Double {
        try Stopwatch.seconds { _ = try store.importPledges(pledges, lines: Array(2..<(pledges.count + 2))) }
    }

    /// Runs one full sync (push, then pull) with the product's default batch and page sizes, and measures
    /// it; `serverCPU` reads the registry's CPU seconds so the cost can be split between the two sides.
    func sync(serverCPU: @escaping () -> Double = { 0 }) throws -> SyncMeasurement {
        let start = snapshot(serverCPU, clockLast: true)
        var pushEnd: PhaseCost?
        var engine = SyncEngine()
        // SyncEngine reports "pushed k/n" after each batch of a long push: the last one marks the end of the push.
        engine.progress = { line in if line.hasPrefix("pushed ") { pushEnd = self.snapshot(serverCPU) } }
        let wireBefore = client.counters
        let report = try engine.run(store: store, client: client)
        let wire = client.counters
        let end = snapshot(serverCPU)
        return SyncMeasurement(report: report, total: end - start, push: pushEnd.map { $0 - start },
                               requests: wire.requests - wireBefore.requests,
                               bytes: wire.bytesSent + wire.bytesReceived - wireBefore.bytesSent - wireBefore.bytesReceived)
    }

    /// The clocks and CPU counters now, on both sides. Reading the counters takes tens of
    /// microseconds (a /proc file), so at the start of a phase the wall clock is read last and at
    /// its end first: a short sync is not charged for the bench's own reads.
    private func snapshot(_ serverCPU: () -> Double, clockLast: Bool = false) -> PhaseCost {
        let early = clockLast ? nil : Stopwatch.now()
        let http = transport.seconds, nodeCPU = ProcessStats.ownCPUSeconds(), registryCPU = serverCPU()
        return PhaseCost(seconds: early ?? Stopwatch.now(), httpSeconds: http, nodeCPUSeconds: nodeCPU, serverCPUSeconds: registryCPU)
    }
}
