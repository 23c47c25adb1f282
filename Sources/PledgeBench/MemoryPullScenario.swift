import Foundation
import PledgeModel
import PledgeStore
import SyncClient

/// Node memory: a fresh Secretariat node pulls the whole large registry with `pledge sync` in a child
/// process, whose own peak RSS (VmHWM) is sampled while it runs.
enum MemoryPullScenario {
    /// Largest peak RSS the target allows, in kilobytes (150 MB).
    static let targetKilobytes = 150 * 1_024

    /// Runs the scenario and returns its rows.
    static func run(_ context: BenchContext, registry: SeededRegistry) async throws -> [ResultRow] {
        let token = try await registry.token(.secretariat, device: "bench-memory")
        let database = context.path("memory/node.sqlite")
        try context.runPledge(["init", "--db", database, "--secretariat", "--registry", registry.server.url, "--token", token,
                               "--device", "bench-memory"], logName: "memory-init")
        BenchLog.say("memory: `pledge sync` pulls \(Format.count(registry.count)) pledges into a fresh Secretariat node (child process)")
        let serverBefore = registry.server.cpuSeconds()
        let run = try context.runPledge(["sync", "--db", database, "--json"], logName: "memory-sync", accepting: [0, 3])
        let serverCPU = registry.server.cpuSeconds() - serverBefore
        guard let report = try? JSONDecoder().decode(SyncReport.self, from: Data(run.child.stdout().utf8)) else {
            throw BenchFailure("memory: `pledge sync --json` printed no report: \(run.child.stderr().suffix(300))")
        }
        guard report.pulled >= registry.count else { throw BenchFailure("memory: pulled \(report.pulled) of \(registry.count) pledges") }
        let serverPeak = registry.server.peakRSSKilobytes()

        // The same node, now holding every pledge, syncing with nothing to do: does a sync cost grow with the store?
        let store = try NodeStore(path: database)
        let node = BenchNode(store: store, url: registry.server.url, token: token)
        _ = try node.sync()
        // As many rounds as the other no-op rows (a median of ten moved by a third between runs), in
        // turn with the floor's GETs.
        DirtyPages.flush(before: "memory")
        let health = try HealthFloor(url: registry.server.url)
        let idle = try health.interleaved(rounds: max(3, context.sizes.noOpRounds), getsPerRound: NoOpSyncScenario.getsPerRound(context.sizes)) {
            try NoOpSyncScenario.noOpSync(node, registry: registry)
        }
        let idleMedian = Statistics.median(idle.map(\.seconds))
        let idleMiddle = idle.sorted { $0.seconds < $1.seconds }[(idle.count - 1) / 2]
        return [
            .target("no-op", "no-op sync time, Secretariat node holding \(Format.count(report.pulled)) pledges", value: idleMedian, unit: "s",
                    display: Format.seconds(idleMedian), floor: (health.medianSeconds, "bare GET /v1/health: \(Format.seconds(health.medianSeconds))"),
                    ratio: idleMedian / health.medianSeconds, target: "≤ \(Format.ratio(NoOpSyncScenario.targetRatio)) floor",
                    met: idleMedian / health.medianSeconds <= NoOpSyncScenario.targetRatio,
                    note: "median of \(idle.count), in process on the node the memory pull filled; median one: \(idleMiddle.total.breakdown); \(idleMiddle.requests) request(s), \(idleMiddle.bytes) B"),
            .target("memory", "node peak RSS while pulling \(Format.count(report.pulled)) pledges", value: Double(run.peakRSSKilobytes) / 1_024,
                    unit: "MB", display: Format.megabytes(kilobytes: run.peakRSSKilobytes), target: "≤ 150 MB",
                    met: run.peakRSSKilobytes <= targetKilobytes,
                    note: "`pledge sync` child process, its VmHWM sampled every 10 ms; \(report.pages) pages of \(SyncClientDefaults.pullPageSize)"),
            .info("memory", "that pull's time (`pledge sync`, fresh Secretariat node)", value: Double(report.pulled) / run.seconds,
                  unit: "pledges/s", display: "\(Format.seconds(run.seconds)) = \(Format.rate(Double(report.pulled) / run.seconds))",
                  note: "registry CPU \(Format.seconds(serverCPU)); \(Format.count(report.wire.bytesReceived)) bytes received"),
            .info("memory", "registry server peak RSS over the scale scenarios", value: Double(serverPeak) / 1_024, unit: "MB",
                  display: Format.megabytes(kilobytes: serverPeak), note: "VmHWM of the `pledge registry serve` process"),
        ]
    }
}
