import Foundation
import PledgeModel

/// Bulk sync: N new pledges pushed from one node, then pulled into a fresh node, against the SQLite floor.
enum BulkSyncScenario {
    /// Pledges per second each way that the target asks for.
    static let targetRate = 20_000.0
    /// Largest ratio to the floor the target allows.
    static let targetRatio = 4.0

    /// Runs the scenario and returns its rows.
    static func run(_ context: BenchContext) async throws -> [ResultRow] {
        let count = context.sizes.bulkPledges
        let factory = PledgeFactory(tag: context.nextTag())
        BenchLog.say("bulk: SQLite floor for \(Format.count(count)) rows on both sides")
        let floor = try SQLiteFloor.measure(count: count, factory: factory, delegation: "KOR", directory: context.path("bulk"))
        let floorCell = (floor.totalSeconds, "\(Format.seconds(floor.totalSeconds)) (node \(Format.seconds(floor.nodeSeconds)) + registry \(Format.seconds(floor.registrySeconds)))")

        let registryPath = context.path("bulk/registry.sqlite")
        try RegistryFixture.create(at: registryPath)
        let tokens = try await RegistryFixture.issueTokens(at: registryPath, for: [(.delegation("KOR"), "KOR-bulk-a"), (.delegation("KOR"), "KOR-bulk-b")])
        let server = try context.startRegistry(databasePath: registryPath)
        defer { server.stop() }

        BenchLog.say("bulk: recording \(Format.count(count)) pledges offline on node A")
        let nodeA = try BenchNode(path: context.path("bulk/node-a.sqlite"), delegation: "KOR", device: "KOR-bulk-a", url: server.url, token: tokens[0])
        let recordSeconds = try nodeA.record((0..<count).map { factory.pledge($0, delegation: "KOR") })

        BenchLog.say("bulk: node A syncs (push \(Format.count(count)), then pull)")
        let sync = try nodeA.sync(serverCPU: server.cpuSeconds)
        guard sync.report.applied == count else {
            throw BenchFailure("bulk push: \(sync.report.applied) of \(count) changes applied (\(sync.report.rejections.prefix(3)))")
        }
        let push = sync.push ?? sync.total

        BenchLog.say("bulk: fresh node B pulls \(Format.count(count))")
        let nodeB = try BenchNode(path: context.path("bulk/node-b.sqlite"), delegation: "KOR", device: "KOR-bulk-b", url: server.url, token: tokens[1])
        let pull = try nodeB.sync(serverCPU: server.cpuSeconds)
        guard pull.report.pulled == count else { throw BenchFailure("bulk pull: \(pull.report.pulled) of \(count) pledges pulled") }

        let pushRate = Double(count) / push.seconds, pullRate = Double(count) / pull.seconds
        let pushRatio = push.seconds / floor.totalSeconds, pullRatio = pull.seconds / floor.totalSeconds
        let target = "≥ \(Format.rate(targetRate)), ≤ \(Format.ratio(targetRatio)) floor"
        let pushMet = pushRate >= targetRate && pushRatio <= targetRatio
        let pullMet = pullRate >= targetRate && pullRatio <= targetRatio
        // The note's last part: for a missed target, what limited it in this run.
        func limit(_ met: Bool, _ cost: PhaseCost) -> String {
            met ? "" : "; " + BulkLimit.explain(cost, count: count, floorSeconds: floor.totalSeconds,
                                                processors: ProcessInfo.processInfo.activeProcessorCount,
                                                targetRate: targetRate, targetRatio: targetRatio)
        }
        return [
            .target("bulk", "push \(Format.count(count)) new pledges from one node", value: pushRate, unit: "pledges/s",
                    display: "\(Format.seconds(push.seconds)) = \(Format.rate(pushRate))", floor: floorCell, ratio: pushRatio,
                    target: target, met: pushMet,
                    note: push.breakdown + "; \(Format.count(sync.report.pushed)) changes in batches of \(SyncClientDefaults.pushBatchSize)"
                        + limit(pushMet, push)),
            .target("bulk", "pull \(Format.count(count)) pledges into a fresh node", value: pullRate, unit: "pledges/s",
                    display: "\(Format.seconds(pull.seconds)) = \(Format.rate(pullRate))", floor: floorCell, ratio: pullRatio,
                    target: target, met: pullMet,
                    note: pull.total.breakdown + "; \(pull.report.pages) pages of \(SyncClientDefaults.pullPageSize), \(Format.count(pull.bytes)) bytes on the wire"
                        + limit(pullMet, pull.total)),
            .info("bulk", "node A's whole sync (push, then pull of its own pledges back)", value: sync.seconds, unit: "s",
                  display: Format.seconds(sync.seconds),
                  note: "the pull after the push brought back \(Format.count(sync.report.pulled)) pledges: " + (sync.total - push).breakdown),
            .info("bulk", "record \(Format.count(count)) pledges offline on a node (setup)", value: recordSeconds, unit: "s",
                  display: "\(Format.seconds(recordSeconds)) = \(Format.rate(Double(count) / recordSeconds))",
                  note: "NodeStore.importPledges in one transaction, references given; not part of any sync figure"),
        ]
    }
}
