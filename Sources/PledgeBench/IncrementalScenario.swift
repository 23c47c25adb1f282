import PledgeModel

/// Incremental sync: 100 edits pushed and pulled back, against a small and a large registry.
enum IncrementalScenario {
    /// Largest ratio of the large registry's time to the small one's that the target allows.
    static let targetRatio = 1.5

    /// Timed rounds against one registry.
    struct Measured {
        /// Every timed round.
        var rounds: [SyncMeasurement]
        /// The median round's wall seconds.
        var medianSeconds: Double { Statistics.median(rounds.map(\.seconds)) }
        /// The round with the median time.
        var medianRound: SyncMeasurement { rounds.sorted { $0.seconds < $1.seconds }[(rounds.count - 1) / 2] }
    }

    /// Runs the scenario on both registries and returns its rows.
    ///
    /// Rounds alternate between the two registries, so drift in the machine's load (other builds,
    /// caches, thermal limits) falls on both figures alike.
    static func run(_ context: BenchContext, small: SeededRegistry, large: SeededRegistry) async throws -> [ResultRow] {
        let changes = context.sizes.incrementalChanges
        let smallNode = try await catchUp(context, registry: small)
        let largeNode = try await catchUp(context, registry: large)
        DirtyPages.flush(before: "incremental")
        BenchLog.say("incremental: \(context.sizes.incrementalRounds) timed syncs of \(changes) changes each against \(Format.count(small.count)) and \(Format.count(large.count)) pledges, alternating")
        var smallRun = Measured(rounds: []), largeRun = Measured(rounds: [])
        for round in 0...context.sizes.incrementalRounds {
            let smallRound = try measureRound(round, node: smallNode, registry: small, changes: changes)
            let largeRound = try measureRound(round, node: largeNode, registry: large, changes: changes)
            if round > 0 {  // round 0 warms caches and the connections
                smallRun.rounds.append(smallRound)
                largeRun.rounds.append(largeRound)
            }
        }
        let ratio = largeRun.medianSeconds / smallRun.medianSeconds
        func describe(_ run: Measured) -> String {
            let round = run.medianRound
            return "median of \(run.rounds.count) syncs (\(run.rounds.map { Format.seconds($0.seconds) }.joined(separator: ", "))); median one: "
                + round.total.breakdown + "; \(round.requests) requests, \(Format.count(round.bytes)) bytes"
        }
        return [
            .info("incremental", "sync of \(changes) changes, registry of \(Format.count(small.count))", value: smallRun.medianSeconds, unit: "s",
                  display: Format.seconds(smallRun.medianSeconds), note: describe(smallRun)),
            .target("incremental", "sync of \(changes) changes, registry of \(Format.count(large.count))", value: largeRun.medianSeconds, unit: "s",
                    display: Format.seconds(largeRun.medianSeconds),
                    floor: (smallRun.medianSeconds, "\(Format.count(small.count))-pledge registry: \(Format.seconds(smallRun.medianSeconds))"),
                    ratio: ratio, target: "≤ \(Format.ratio(targetRatio)) the \(Format.count(small.count))-pledge figure",
                    met: ratio <= targetRatio, note: describe(largeRun)),
        ]
    }

    /// A fresh KOR node that has pulled its delegation's pledges from `registry`.
    private static func catchUp(_ context: BenchContext, registry: SeededRegistry) async throws -> BenchNode {
        let device = "KOR-incremental-\(registry.count)"
        let token = try await registry.token(.delegation(SeededRegistry.benchDelegation), device: device)
        let node = try BenchNode(path: context.path("incremental-\(registry.count)/node.sqlite"), delegation: SeededRegistry.benchDelegation,
                                 device: device, url: registry.server.url, token: token)
        let initial = try node.sync()
        guard initial.report.pulled == registry.benchIndexes.count else {
            throw BenchFailure("incremental: the first sync pulled \(initial.report.pulled) pledges, expected \(registry.benchIndexes.count)")
        }
        return node
    }

    /// Edits `changes` of the node's pledges offline (untimed), then times the sync that sends them.
    private static func measureRound(_ round: Int, node: BenchNode, registry: SeededRegistry, changes: Int) throws -> SyncMeasurement {
        for index in registry.benchIndexes.prefix(changes) {
            try node.store.edit(registry.factory.id(index), setting: [.title: .text("Deploy a level 2 field hospital, revision \(round) (\(index))")])
        }
        let measured = try node.sync(serverCPU: registry.server.cpuSeconds)
        guard measured.report.applied == changes, measured.report.pulled >= changes else {
            throw BenchFailure("incremental: round \(round) applied \(measured.report.applied) and pulled \(measured.report.pulled) of \(changes)")
        }
        return measured
    }
}
