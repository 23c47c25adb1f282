import Foundation
import PledgeModel
import PledgeStore
import SyncClient
import Testing
import TestSupport

/// Sync keeps up to two push batches on the wire while it seals the next and records the last
/// answer, and fetches the next pull page while it commits one. Order and completeness must not suffer.
@Suite struct PipelinedSyncTests {
    @Test func manySmallBatchesAndPagesMoveEveryPledgeOnce() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        laptop.batchSize = 2
        laptop.pageSize = 3
        let ids = try (1...9).map { try laptop.addHospital(title: "Hospital \($0)") }

        let report = try laptop.sync()
        #expect(report.pushed == 9)
        #expect(report.applied == 9)
        #expect(report.rejected == 0)
        #expect(try laptop.store.pendingChangeCount() == 0)

        let desk = try TestNode("kor-desk", in: directory, delegation: "KOR", registry: registry)
        desk.pageSize = 2
        let pulled = try desk.sync()
        #expect(pulled.pulled == 9)
        #expect(pulled.pages == 5)
        #expect(try desk.allPledges() == laptop.allPledges())
        #expect(Set(try desk.allPledges().keys) == Set(ids))
    }

    @Test func twoChangesOfOnePledgeInSuccessiveBatchesApplyInOrder() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop.addHospital(title: "First")
        try laptop.sync()

        // The first edit is sealed by a sync that dies before sending, so the second edit becomes a
        // change of its own, based on the first (not merged into it).
        _ = try laptop.store.edit(id, setting: [.title: .text("Second")])
        #expect(throws: (any Error).self) { try laptop.sync(transport: FailingTransport(allowing: 0)) }
        _ = try laptop.store.edit(id, setting: [.title: .text("Third")])
        #expect(try laptop.store.pendingChangeCount() == 2)

        laptop.batchSize = 1
        let report = try laptop.sync()
        #expect(report.pushed == 2)
        #expect(report.applied == 2)
        #expect(report.rejected == 0)
        let desk = try TestNode("kor-desk", in: directory, delegation: "KOR", registry: registry)
        try desk.sync()
        #expect(try desk.pledge(id).text(.title) == "Third")
        #expect(try laptop.store.pendingChangeCount() == 0)
    }

    @Test func batchesOfDifferentPledgesTravelTogether() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        laptop.batchSize = 2
        let ids = try (1...6).map { try laptop.addHospital(title: "Hospital \($0)") }

        let transport = OverlapTrackingTransport()
        let report = try laptop.sync(transport: transport)
        #expect(transport.mostPushesAtOnce == 2)
        #expect(report.pushed == 6)
        #expect(report.applied == 6)
        #expect(try laptop.store.pendingChangeCount() == 0)
        let desk = try TestNode("kor-desk", in: directory, delegation: "KOR", registry: registry)
        try desk.sync()
        #expect(Set(try desk.allPledges().keys) == Set(ids))
        #expect(try desk.allPledges() == laptop.allPledges())
    }

    @Test func aBatchEditingAPledgeOfAnUnansweredBatchWaitsForItsAnswer() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop.addHospital(title: "First")
        try laptop.sync()
        // Three changes of one pledge, each its own change (a sync that dies after sealing keeps a
        // sealed change from absorbing the next edit), each based on the one before.
        for title in ["Second", "Third"] {
            _ = try laptop.store.edit(id, setting: [.title: .text(title)])
            #expect(throws: (any Error).self) { try laptop.sync(transport: FailingTransport(allowing: 0)) }
        }
        _ = try laptop.store.edit(id, setting: [.title: .text("Fourth")])
        #expect(try laptop.store.pendingChangeCount() == 3)

        laptop.batchSize = 1
        let transport = OverlapTrackingTransport()
        let report = try laptop.sync(transport: transport)
        #expect(transport.mostPushesAtOnce == 1)
        #expect(report.applied == 3)
        #expect(report.rejected == 0)
        #expect(report.mergedWithConflicts == 0)
        let desk = try TestNode("kor-desk", in: directory, delegation: "KOR", registry: registry)
        try desk.sync()
        #expect(try desk.pledge(id).text(.title) == "Fourth")
    }
}

/// libcurl with two connections that counts pushes in flight at once. A push waits (up to two
/// seconds: half a second was once too short with the whole suite running on 2 cores) for a
/// second one to start before it goes, so two pushes the engine lets travel together are always
/// seen together, whatever the timing.
final class OverlapTrackingTransport: HTTPTransport, @unchecked Sendable {
    private let inner = CurlTransport()
    private let condition = NSCondition()
    private var pushesInFlight = 0
    private var most = 0

    var counters: WireCounters { inner.counters }
    var maximumConcurrentRequests: Int { inner.maximumConcurrentRequests }

    /// The largest number of pushes that were in flight at the same moment.
    var mostPushesAtOnce: Int { condition.withLock { most } }

    func send(_ request: HTTPRequestSpec) throws -> HTTPReply {
        guard request.url.hasSuffix("/v1/push") else { return try inner.send(request) }
        condition.withLock {
            pushesInFlight += 1
            most = max(most, pushesInFlight)
            condition.broadcast()
            let deadline = Date().addingTimeInterval(2)
            while pushesInFlight < 2, condition.wait(until: deadline) {}
        }
        defer { condition.withLock { pushesInFlight -= 1 } }
        return try inner.send(request)
    }
}
