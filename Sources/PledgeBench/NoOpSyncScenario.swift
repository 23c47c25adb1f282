import PledgeModel

/// No-op sync: a node with nothing to send and nothing new to receive, against the large registry.
enum NoOpSyncScenario {
    /// Largest number of bytes (both directions, headers included) the target allows.
    static let targetBytes = 1_024
    /// Largest ratio to a bare health GET that DESIGN section 7 allows.
    static let targetRatio = 3.0

    /// Runs the scenario and returns its rows.
    static func run(_ context: BenchContext, registry: SeededRegistry) async throws -> [ResultRow] {
        let rounds = context.sizes.noOpRounds
        BenchLog.say("no-op: bare GET /v1/health floor, then \(rounds) no-op syncs of a typical and of a quiet delegation")
        let health = try HealthFloor.measure(url: registry.server.url, rounds: context.sizes.healthRounds)
        let floorCell = (health.medianSeconds, "bare GET /v1/health: \(Format.seconds(health.medianSeconds))")
        let typical = try await measure(context, registry: registry, delegation: SeededRegistry.typicalDelegation, rounds: rounds)
        let quiet = try await measure(context, registry: registry, delegation: SeededRegistry.quietDelegation, rounds: rounds)
        let all = typical + quiet
        let requests = all.map(\.requests).max() ?? 0, bytes = all.map(\.bytes).max() ?? 0
        func timeRow(_ samples: [SyncMeasurement], _ who: String) -> ResultRow {
            let median = Statistics.median(samples.map(\.seconds))
            let middle = samples.sorted { $0.seconds < $1.seconds }[(samples.count - 1) / 2]
            return .target("no-op", "no-op sync time, \(who)", value: median, unit: "s", display: Format.seconds(median),
                           floor: floorCell, ratio: median / health.medianSeconds, target: "≤ \(Format.ratio(targetRatio)) floor",
                           met: median / health.medianSeconds <= targetRatio,
                           note: "median of \(samples.count); median one: " + middle.total.breakdown)
        }
        return [
            .target("no-op", "no-op sync: HTTP requests", value: Double(requests), unit: "requests", display: "\(requests)",
                    target: "1", met: requests == 1, note: "largest count over \(all.count) no-op syncs, counted by the client (WireCounters)"),
            .target("no-op", "no-op sync: bytes on the wire", value: Double(bytes), unit: "bytes", display: "\(Format.count(bytes)) B",
                    floor: nil, target: "≤ 1 KB", met: bytes <= targetBytes,
                    note: "request and response, headers included; a bare health GET is \(health.bytes) B"),
            timeRow(typical, "typical delegation (\(SeededRegistry.typicalDelegation), latest pledge near the head)"),
            timeRow(quiet, "quiet delegation (\(SeededRegistry.quietDelegation), one pledge at the start of \(Format.count(registry.count)))"),
        ]
    }

    /// A fresh node of `delegation` catches up once, then runs `rounds` timed no-op syncs.
    private static func measure(_ context: BenchContext, registry: SeededRegistry, delegation: String, rounds: Int) async throws -> [SyncMeasurement] {
        let device = "\(delegation)-noop"
        let token = try await registry.token(.delegation(delegation), device: device)
        let node = try BenchNode(path: context.path("noop/\(delegation).sqlite"), delegation: delegation, device: device,
                                 url: registry.server.url, token: token)
        _ = try node.sync()
        _ = try node.sync()  // warm: connection open, caches filled
        return try (0..<rounds).map { _ in
            let measured = try node.sync(serverCPU: registry.server.cpuSeconds)
            guard measured.report.pushed == 0, measured.report.pulled == 0 else {
                throw BenchFailure("no-op: a sync with nothing to do pushed \(measured.report.pushed) and pulled \(measured.report.pulled)")
            }
            return measured
        }
    }
}
