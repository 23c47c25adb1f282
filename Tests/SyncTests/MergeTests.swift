import Foundation
import PledgeModel
import PledgeStore
import SyncClient
import Testing
import TestSupport

@Suite struct MergeTests {
    @Test func disjointEditsOfOnePledgeOnTwoDevicesMergeWithoutConflict() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop1 = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let laptop2 = try TestNode("kor2", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop1.addHospital()
        try laptop1.sync()
        try laptop2.sync()

        try laptop1.store.edit(id, setting: [.women: .integer(20)])
        try laptop2.store.edit(id, setting: [.title: .text("Level 2 hospital for UNMISS")])
        let first = try laptop1.sync()
        let second = try laptop2.sync()
        try laptop1.sync()

        #expect(first.applied == 1 && second.applied == 1 && second.mergedWithConflicts == 0)
        #expect(second.openConflicts == 0)
        for node in [laptop1, laptop2] {
            let pledge = try node.pledge(id)
            #expect(pledge.integer(.women) == 20)
            #expect(pledge.title == "Level 2 hospital for UNMISS")
        }
    }

    /// Found by the randomized convergence test (seed 388422366240): a delegation that sees a conflict
    /// on a Secretariat field, and already shows the value it picks, must be refused on the node, not
    /// send a resolution the registry refuses.
    @Test func aDelegationCannotResolveAConflictOnASecretariatField() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let desk1 = try TestNode("un1", in: directory, delegation: nil, registry: registry)
        let desk2 = try TestNode("un2", in: directory, delegation: nil, registry: registry)
        let id = try laptop.addHospital()
        try laptop.sync()
        try desk1.sync()
        try desk2.sync()
        try desk1.store.edit(id, setting: [.review: .text("ACKNOWLEDGED")])
        try desk2.store.edit(id, setting: [.review: .text("QUERIED")])
        try desk1.sync()
        #expect(try desk2.sync().mergedWithConflicts == 1)

        try laptop.sync()
        let conflict = try #require(try laptop.store.conflicts().first { $0.field == .review })
        let shown = try laptop.pledge(id)[.review]
        let same = try #require(conflict.candidates.first { $0.value == shown })
        #expect(throws: StoreError.self) { try laptop.store.resolve(conflict: conflict.id, taking: same.number, value: nil) }
        #expect(try laptop.store.pendingChangeCount() == 0)
    }

    @Test func sameFieldEditedTwiceBecomesOneConflictUntilResolvedEverywhere() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop1 = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let laptop2 = try TestNode("kor2", in: directory, delegation: "KOR", registry: registry)
        let ghana = try TestNode("gha1", in: directory, delegation: "GHA", registry: registry)
        let secretariat = try TestNode("un1", in: directory, delegation: nil, registry: registry)
        let id = try laptop1.addHospital(women: 12)
        try laptop1.sync()
        try laptop2.sync()

        try laptop1.store.edit(id, setting: [.women: .integer(14)])
        try laptop2.store.edit(id, setting: [.women: .integer(18)])
        try laptop1.sync()
        let merged = try laptop2.sync()
        #expect(merged.mergedWithConflicts == 1)

        // The registry keeps the first accepted value; laptop 2 learns it, with the conflict.
        #expect(try laptop2.pledge(id).integer(.women) == 14)
        let conflicts = try laptop2.store.conflicts()
        try #require(conflicts.count == 1)
        let conflict = conflicts[0]
        #expect(conflict.field == .women)
        #expect(Set(conflict.candidates.map(\.value)) == [.integer(14), .integer(18)])
        #expect(conflict.candidates.first { $0.value == .integer(18) }?.actor == "KOR/kor2")

        try secretariat.sync()
        #expect(try secretariat.store.conflicts().map(\.id) == [conflict.id])
        let eighteen = try #require(conflict.candidates.first { $0.value == .integer(18) })
        try secretariat.store.resolve(conflict: conflict.id, taking: eighteen.number, value: nil)
        #expect(try secretariat.sync().openConflicts == 0)

        for node in [laptop1, laptop2, secretariat] {
            try node.sync()
            #expect(try node.pledge(id).integer(.women) == 18, "node \(node.name)")
            #expect(try node.store.conflicts().isEmpty, "node \(node.name)")
        }
        // Out of scope: Ghana never sees Korea's pledge or its conflict.
        try ghana.sync()
        #expect(try ghana.allPledges()[id] == nil)
        #expect(try ghana.store.conflicts().isEmpty)
    }

    @Test func aDelegationResolvesConflictsOnItsOwnFields() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop1 = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let laptop2 = try TestNode("kor2", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop1.addHospital()
        try laptop1.sync()
        try laptop2.sync()
        try laptop1.store.edit(id, setting: [.title: .text("A")])
        try laptop2.store.edit(id, setting: [.title: .text("B")])
        try laptop1.sync()
        try laptop2.sync()
        let conflict = try #require(try laptop2.store.conflicts().first)
        try laptop2.store.resolve(conflict: conflict.id, taking: nil, value: "A and B")
        try laptop2.sync()
        try laptop1.sync()
        #expect(try laptop1.pledge(id).title == "A and B")
        #expect(try laptop1.store.conflicts().isEmpty)
    }

    @Test func anEditOfAFieldStillInFlightBuildsOnThatChange() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop.addHospital()
        try laptop.sync()
        // The edit is sealed and sent, but the reply is lost (the transport dies after the push).
        try laptop.store.edit(id, setting: [.women: .integer(20)])
        #expect(throws: RegistryClientError.self) { try laptop.sync(transport: FailingTransport(allowing: 0)) }
        _ = try laptop.store.sealedChanges(limit: 10)
        try laptop.store.edit(id, setting: [.women: .integer(25)])
        let report = try laptop.sync()
        #expect(report.pushed == 2 && report.applied == 2 && report.openConflicts == 0)
        #expect(try laptop.pledge(id).integer(.women) == 25)
    }

    /// A second edit made while the first is still in flight, when the first turns out to be a
    /// conflict candidate, joins that conflict: it never overwrites the value the first lost to.
    @Test func anEditBuiltOnAChangeHeldAsACandidateJoinsItsConflict() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let desk = try TestNode("kor2", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop.addHospital(title: "Original")
        try laptop.sync()
        try desk.sync()
        try desk.store.edit(id, setting: [.title: .text("Desk")])
        try desk.sync()
        // The laptop's first edit is sealed before it learns of the desk's; its second builds on it.
        try laptop.store.edit(id, setting: [.title: .text("Laptop 1")])
        _ = try laptop.store.sealedChanges(limit: 10)
        try laptop.store.edit(id, setting: [.title: .text("Laptop 2")])
        let report = try laptop.sync()
        #expect(report.pushed == 2 && report.mergedWithConflicts == 2 && report.openConflicts == 1)
        #expect(try laptop.pledge(id).text(.title) == "Desk")
        let conflict = try #require(try laptop.store.conflicts().first)
        #expect(Set(conflict.candidates.map(\.value)) == [.text("Desk"), .text("Laptop 1"), .text("Laptop 2")])
    }
}
