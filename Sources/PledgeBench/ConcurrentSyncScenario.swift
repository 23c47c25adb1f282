import Foundation
import PledgeModel
import PledgeStore

/// Many nodes syncing at once, each with its own new pledges: all must succeed and nothing may be lost.
enum ConcurrentSyncScenario {
    /// What one node's sync came to.
    struct Outcome: Sendable {
        /// Wall seconds of its sync (until it failed, for a failure).
        var seconds: Double
        /// Changes the registry applied.
        var applied: Int
        /// Changes still in its outbox afterwards.
        var pending: Int
        /// Retries its client made.
        var retries: Int
        /// Why it failed, if it did.
        var failure: String?
    }

    /// Runs the scenario and returns its rows.
    static func run(_ context: BenchContext) async throws -> [ResultRow] {
        let nodes = context.sizes.concurrentNodes, perNode = context.sizes.changesPerNode
        let codes = ReferenceData.delegations.map(\.code).filter { $0 != "KOR" }
        let delegations = (0..<nodes).map { codes[$0 % codes.count] }
        let registryPath = context.path("concurrent/registry.sqlite")
        try RegistryFixture.create(at: registryPath)
        let holders = [(Principal.delegation("KOR"), "KOR-alone")] + delegations.enumerated().map { (Principal.delegation($1), "\($1)-laptop-\($0)") }
        let tokens = try await RegistryFixture.issueTokens(at: registryPath, for: holders)
        let server = try context.startRegistry(databasePath: registryPath)
        defer { server.stop() }
        let factory = PledgeFactory(tag: context.nextTag())

        // The floor: one node syncing the same amount alone.
        let alone = try BenchNode(path: context.path("concurrent/alone.sqlite"), delegation: "KOR", device: "KOR-alone", url: server.url, token: tokens[0])
        try alone.record((0..<perNode).map { factory.pledge(1_000_000_000 + $0, delegation: "KOR") })
        let aloneRun = try alone.sync(serverCPU: server.cpuSeconds)

        BenchLog.say("concurrent: preparing \(nodes) nodes with \(perNode) new pledges each")
        var stores: [NodeStore] = []
        var expected = Set<String>()
        for (index, delegation) in delegations.enumerated() {
            let store = try NodeStore(path: context.path("concurrent/node-\(index).sqlite"))
            try store.initialize(NodeIdentity(delegation: delegation, device: "\(delegation)-laptop-\(index)", registryURL: server.url, token: tokens[index + 1]))
            let pledges = (0..<perNode).map { factory.pledge(index * perNode + $0, delegation: delegation) }
            _ = try store.importPledges(pledges, lines: Array(2..<(perNode + 2)))
            expected.formUnion(pledges.map(\.id))
            stores.append(store)
        }

        BenchLog.say("concurrent: \(nodes) nodes sync at once")
        let gate = StartGate(), slots = ResultSlots<Outcome>(count: nodes), done = DispatchGroup()
        let url = server.url
        for index in 0..<nodes {
            let store = stores[index], token = tokens[index + 1]
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                let node = BenchNode(store: store, url: url, token: token)
                gate.arriveAndWait()
                let start = Stopwatch.now()
                do {
                    let measured = try node.sync()
                    let pending = (try? store.status().pendingChanges) ?? -1
                    slots.set(index, Outcome(seconds: measured.seconds, applied: measured.report.applied, pending: pending, retries: node.retries))
                } catch {
                    slots.set(index, Outcome(seconds: Stopwatch.now() - start, applied: 0, pending: -1, retries: node.retries, failure: "\(error)"))
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        gate.waitForArrivals(nodes)
        let serverBefore = server.cpuSeconds()
        let wall = try Stopwatch.seconds {
            gate.open()
            guard done.wait(timeout: .now() + 900) == .success else { throw BenchFailure("concurrent: syncs still running after 15 minutes") }
        }
        let serverCPU = server.cpuSeconds() - serverBefore

        let outcomes = slots.all
        let succeeded = outcomes.filter { $0?.failure == nil && $0?.applied == perNode && $0?.pending == 0 }.count
        let failures = outcomes.compactMap { $0?.failure }
        let onRegistry = try RegistryFixture.pledgeIds(at: registryPath)
        let lost = expected.subtracting(onRegistry).count
        let times = outcomes.compactMap { $0 }.map(\.seconds)
        let p50 = Statistics.percentile(times, 50), p99 = Statistics.percentile(times, 99)
        let retries = outcomes.compactMap { $0?.retries }.reduce(0, +)
        let floorCell = (aloneRun.seconds, "one node alone: \(Format.seconds(aloneRun.seconds))")
        let total = nodes * perNode
        return [
            .target("concurrent", "\(nodes) nodes × \(perNode) changes at once: syncs that succeeded", value: Double(succeeded), unit: "count",
                    display: "\(succeeded) of \(nodes)", target: "all \(nodes)", met: succeeded == nodes,
                    note: failures.isEmpty ? "\(retries) retries in all" : "\(failures.count) failed, e.g. \(failures[0].prefix(200)); \(retries) retries"),
            .target("concurrent", "changes lost (created on nodes, missing on the registry)", value: Double(lost), unit: "count",
                    display: "\(lost) of \(Format.count(total))", target: "0", met: lost == 0),
            .info("concurrent", "per-sync time p50", value: p50, unit: "s", display: Format.seconds(p50), floor: floorCell, ratio: p50 / aloneRun.seconds),
            .info("concurrent", "per-sync time p99", value: p99, unit: "s", display: Format.seconds(p99), floor: floorCell, ratio: p99 / aloneRun.seconds,
                  note: "slowest \(Format.seconds(times.max() ?? 0))"),
            .info("concurrent", "all \(nodes) syncs, first start to last finish", value: wall, unit: "s",
                  display: "\(Format.seconds(wall)) = \(Format.rate(Double(total) / wall)) changes", note: "registry CPU \(Format.seconds(serverCPU))"),
        ]
    }
}
