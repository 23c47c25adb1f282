import Foundation
import PledgeModel
import PledgeStore
import SyncClient
import Testing
import TestSupport

/// A delegation's pull reads its own pledges and the joint pledges naming it as two ordered streams
/// merged page by page; no pledge of either may be skipped or sent twice, however they interleave.
@Suite struct PartnerScopeTests {
    @Test func ownAndJointPledgesInterleavedOverSmallPagesArriveOnceEach() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let korea = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        let ghana = try TestNode("gha-laptop", in: directory, delegation: "GHA", registry: registry)
        let fiji = try TestNode("fji-laptop", in: directory, delegation: "FJI", registry: registry)

        // Registry order: GHA's own, joint KOR pledges naming GHA, and pledges out of GHA's scope, interleaved.
        var expected: Set<String> = []
        var outOfScope: Set<String> = []
        for round in 1...4 {
            expected.insert(try ghana.addHospital(title: "Ghana \(round)"))
            try ghana.sync()
            let joint = try korea.addHospital(title: "Joint \(round)")
            _ = try korea.store.edit(joint, setting: [.partners: .list(["GHA"])])
            outOfScope.insert(try korea.addHospital(title: "Korea only \(round)"))
            expected.insert(joint)
            try korea.sync()
            outOfScope.insert(try fiji.addHospital(title: "Fiji \(round)"))
            try fiji.sync()
        }

        for pageSize in [1, 2, 3, 500] {
            let desk = try TestNode("gha-desk-\(pageSize)", in: directory, delegation: "GHA", registry: registry)
            desk.pageSize = pageSize
            let report = try desk.sync()
            #expect(report.pulled == expected.count, "page size \(pageSize)")
            #expect(Set(try desk.allPledges().keys) == expected, "page size \(pageSize)")
            #expect(try desk.allPledges().keys.allSatisfy { !outOfScope.contains($0) })
        }

        // A later edit of a joint pledge reaches the partner; a no-op sync after it pulls nothing.
        let joint = try #require(try korea.allPledges().values.first { $0.text(.title) == "Joint 2" })
        _ = try korea.store.edit(joint.id, setting: [.title: .text("Joint 2, revised")])
        try korea.sync()
        ghana.pageSize = 1
        let update = try ghana.sync()
        // The revised pledge, and "Joint 4", made after Ghana's last sync in the loop.
        #expect(update.pulled == 2)
        #expect(try ghana.pledge(joint.id).text(.title) == "Joint 2, revised")
        #expect(try ghana.sync().pulled == 0)
    }
}
