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
        BenchLog.say("no-op: \(rounds) rounds of bare GETs of /v1/health, a no-op sync of a typical and one of a quiet delegation, in turn")
        let typicalNode = try await node(context, registry: registry, delegation: SeededRegistry.typicalDelegation)
        let quietNode = try await node(context, registry: registry, delegation: SeededRegistry.quietDelegation)
        DirtyPages.flush(before: "no-op")
        let health = try HealthFloor(url: registry.server.url)
        let pairs = try health.interleaved(rounds: rounds, getsPerRound: getsPerRound(context.sizes)) {
            (try noOpSync(typicalNode, registry: registry), try noOpSync(quietNode, registry: registry))
        }
        let typical = pairs.map(\.0), quiet = pairs.map(\.1)
        let floorCell = (health.medianSeconds, "bare GET /v1/health: \(Format.seconds(health.medianSeconds))")
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
                    note: "request and response, headers included; a bare health GET is \(health.bytesPerGet) B"),
            timeRow(typical, "typical delegation (\(SeededRegistry.typicalDelegation), latest pledge near the head)"),
            timeRow(quiet, "quiet delegation (\(SeededRegistry.quietDelegation), one pledge at the start of \(Format.count(registry.count)))"),
        ]
    }

    /// Bare GETs timed before each round, so the floor's median has as many samples as `healthRounds`.
    static func getsPerRound(_ sizes: BenchSizes) -> Int {
        // `--sizes` takes positive numbers only (BenchOptions); `max` keeps a hand-made zero harmless.
        let rounds = max(1, sizes.noOpRounds)
        return max(1, (sizes.healthRounds + rounds - 1) / rounds)
    }

    /// A fresh node of `delegation`, caught up and warmed (connection open, caches filled).
    private static func node(_ context: BenchContext, registry: SeededRegistry, delegation: String) async throws -> BenchNode {
        let device = "\(delegation)-noop"
        let token = try await registry.token(.delegation(delegation), device: device)
        let node = try BenchNode(path: context.path("noop/\(delegation).sqlite"), delegation: delegation, device: device,
                                 url: registry.server.url, token: token)
        _ = try node.sync()
        _ = try node.sync()
        return node
    }

    /// One timed sync of `node`, which must have had nothing to do.
    static func noOpSync(_ node: BenchNode, registry: SeededRegistry) throws -> SyncMeasurement {
        let measured = try node.sync(serverCPU: registry.server.cpuSeconds)
        guard measured.report.pushed == 0, measured.report.pulled == 0 else {
            throw BenchFailure("no-op: a sync with nothing to do pushed \(measured.report.pushed) and pulled \(measured.report.pulled)")
        }
        return measured
    }
}
