import Foundation
import PledgeModel
import PledgeStore
import SyncClient
import Testing
import TestSupport

/// Sync keeps one push batch on the wire while it seals the next and records the last answer, and
/// fetches the next pull page while it commits one. Order and completeness must not suffer.
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
}
