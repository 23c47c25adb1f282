import Foundation
import GRDB
import PledgeModel
import PledgeSchema
import RegistryCore
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

    /// A registry made before partner rows carried their pledge's sequence (migration 004) keeps
    /// sending joint pledges to their partners once migrated, and the copy follows later edits.
    @Test func registryFromBeforeTheSequenceCopyStillSendsJointPledgesToPartners() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("old-registry.sqlite")
        let joint = "0b9a4e4c-5a57-4d4e-9d0e-2f3b1c6a7d10", own = "5c1d7e2a-8f3b-4a6c-b9d8-1e2f3a4b5c6d"
        do {
            // The schema as it was at 003, with one joint KOR pledge naming GHA and one of GHA's own.
            let old = try DatabaseQueue(path: path)
            var migrator = DatabaseMigrator()
            for migration in try SchemaResources.migrations(for: "registry") where migration.name < "004" {
                migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
            }
            try migrator.migrate(old)
            try await old.write { db in
                try db.execute(sql: "INSERT INTO pledge(id, delegation, fields, updated_seq) VALUES (?, 'KOR', ?, 7), (?, 'GHA', ?, 9)",
                               arguments: [joint, #"{"delegation":{"value":"KOR","version":7},"partners":{"value":["GHA"],"version":7}}"#,
                                           own, #"{"delegation":{"value":"GHA","version":9}}"#])
                try db.execute(sql: "INSERT INTO pledge_partner(delegation, pledge_id) VALUES ('GHA', ?)", arguments: [joint])
                try db.execute(sql: "UPDATE registry_meta SET value = 9 WHERE key = 'seq'")
            }
        }
        let registry = try SQLiteRegistry(path: path)
        let ghana = Caller(principal: .delegation("GHA"), device: "gha-laptop", tokenId: "t")
        let all = try await registry.pull(after: "", limit: 10, for: ghana).decoded()
        #expect(all.pledges.map(\.id) == [joint, own])
        // After GHA's own pledge (sequence 9) nothing is left; a cursor before 7 still finds the joint one.
        #expect(try await registry.pull(after: "s9", limit: 10, for: ghana).decoded().pledges.isEmpty)
        #expect(try await registry.pull(after: "s6", limit: 1, for: ghana).decoded().pledges.map(\.id) == [joint])
    }

    /// A joint pledge that stops naming a partner leaves the partner's scope: its nodes drop their
    /// copy on their next sync, whatever the page size; named again, it comes back.
    @Test func aPledgeThatStopsNamingAPartnerLeavesThatPartnersNodes() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let korea = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        let ghana = try TestNode("gha-laptop", in: directory, delegation: "GHA", registry: registry)
        let ghanaByOnes = try TestNode("gha-desk", in: directory, delegation: "GHA", registry: registry)
        ghanaByOnes.pageSize = 1
        var joint: [String] = []
        for round in 1...3 {
            let id = try korea.addHospital(title: "Joint \(round)")
            _ = try korea.store.edit(id, setting: [.partners: .list(["GHA"])])
            joint.append(id)
        }
        let ghanaOwn = try ghana.addHospital(title: "Ghana's own")
        try korea.sync()
        try ghana.sync()
        try ghanaByOnes.sync()
        #expect(Set(try ghana.allPledges().keys) == Set(joint + [ghanaOwn]))

        // KOR drops GHA from two of them; between the two, another joint pledge changes.
        _ = try korea.store.edit(joint[0], setting: [.partners: .list([])])
        try korea.sync()
        _ = try korea.store.edit(joint[2], setting: [.title: .text("Joint 3, revised")])
        try korea.sync()
        _ = try korea.store.edit(joint[1], setting: [.partners: .list(["FJI"])])
        try korea.sync()
        for node in [ghana, ghanaByOnes] {
            try node.sync()
            #expect(Set(try node.allPledges().keys) == [joint[2], ghanaOwn], "\(node.name)")
            #expect(try node.pledge(joint[2]).text(.title) == "Joint 3, revised")
        }
        let fresh = try TestNode("gha-new", in: directory, delegation: "GHA", registry: registry)
        try fresh.sync()
        #expect(Set(try fresh.allPledges().keys) == [joint[2], ghanaOwn])

        // Named again: back on GHA's nodes, and then nothing more to pull.
        _ = try korea.store.edit(joint[0], setting: [.partners: .list(["GHA", "FJI"])])
        try korea.sync()
        for node in [ghana, ghanaByOnes, fresh] {
            try node.sync()
            #expect(Set(try node.allPledges().keys) == [joint[0], joint[2], ghanaOwn], "\(node.name)")
            #expect(try node.sync().pulled == 0)
        }
        // KOR's own node keeps every pledge it owns.
        #expect(Set(try korea.allPledges().keys) == Set(joint))
    }
}
