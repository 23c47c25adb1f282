import SyncClient

/// The round-trip floor: bare libcurl GETs of `/v1/health` over a kept-alive connection, no auth.
///
/// The floor's GETs are taken in turn with the syncs they are compared with (`interleaved`), so
/// both meet the machine in the same state: on these shared machines the bare GET's median moved
/// between 130 and 290 µs from one minute to the next, which alone moved a no-op row's ratio by
/// half when the floor was measured first and the syncs after it (docs/performance.md, step 33).
final class HealthFloor {
    private let transport = CurlTransport()
    private let request: HTTPRequestSpec
    private var samples: [Double] = []
    private var bytes = 0

    /// A floor against the registry at `url`, its connection opened and warmed.
    init(url: String) throws {
        request = HTTPRequestSpec(method: "GET", url: url + "/v1/health")
        for _ in 0..<5 { _ = try transport.send(request) }
    }

    /// The median of the GETs timed so far.
    var medianSeconds: Double { Statistics.median(samples) }

    /// The bytes one GET puts on the wire (request and response, headers included).
    var bytesPerGet: Int { bytes / max(samples.count, 1) }

    /// Times `count` GETs.
    func time(_ count: Int) throws {
        for _ in 0..<count {
            let before = transport.counters
            let (reply, seconds) = try Stopwatch.time { try transport.send(request) }
            guard reply.status == 200 else { throw BenchFailure("GET /v1/health answered \(reply.status)") }
            let after = transport.counters
            bytes += after.bytesSent + after.bytesReceived - before.bytesSent - before.bytesReceived
            samples.append(seconds)
        }
    }

    /// Runs `rounds` of `body`, timing `getsPerRound` GETs before each, and returns what each round gave.
    func interleaved<T>(rounds: Int, getsPerRound: Int, _ body: () throws -> T) throws -> [T] {
        try (0..<rounds).map { _ in
            try time(getsPerRound)
            return try body()
        }
    }
}
