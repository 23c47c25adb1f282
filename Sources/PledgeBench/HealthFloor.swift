import SyncClient

/// The round-trip floor: a bare libcurl GET of `/v1/health` over a kept-alive connection, no auth.
enum HealthFloor {
    /// The median seconds of `rounds` GETs (after a few warm-up ones), and the bytes one GET puts on the wire.
    static func measure(url: String, rounds: Int) throws -> (medianSeconds: Double, bytes: Int) {
        let transport = CurlTransport()
        let request = HTTPRequestSpec(method: "GET", url: url + "/v1/health")
        for _ in 0..<5 { _ = try transport.send(request) }
        let before = transport.counters
        var samples: [Double] = []
        for _ in 0..<rounds {
            let (reply, seconds) = try Stopwatch.time { try transport.send(request) }
            guard reply.status == 200 else { throw BenchFailure("GET /v1/health answered \(reply.status)") }
            samples.append(seconds)
        }
        let after = transport.counters
        let bytes = (after.bytesSent + after.bytesReceived - before.bytesSent - before.bytesReceived) / max(rounds, 1)
        return (Statistics.median(samples), bytes)
    }
}
