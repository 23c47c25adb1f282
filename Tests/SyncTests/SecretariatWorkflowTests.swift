import Foundation
import GRDB
import PledgeModel
import PledgeStore
import SyncClient
import Testing
import TestSupport

@Suite struct SecretariatWorkflowTests {
    @Test func aFullReviewCycleReachesEveryNode() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let korea = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let ghana = try TestNode("gha1", in: directory, delegation: "GHA", registry: registry)
        let secretariat = try TestNode("un1", in: directory, delegation: nil, registry: registry)
        let id = try korea.addHospital()
        _ = try ghana.addHospital(title: "Ghana hospital")
        for node in [korea, ghana, secretariat] { try node.sync() }

        try secretariat.store.edit(id, setting: [.review: .text("ACKNOWLEDGED")])
        try secretariat.sync()
        #expect(try secretariat.pledge(id).text(.registryRef) == "PKM-2025-KOR-001")
        try secretariat.store.edit(id, setting: [.review: .text("QUERIED"), .reviewNote: .text("Please confirm the number of women")])
        try secretariat.sync()

        try korea.sync()
        let queried = try korea.store.pledge(id)
        #expect(queried.pledge.review == .queried)
        #expect(queried.pledge.text(.reviewNote) == "Please confirm the number of women")
        #expect(try korea.store.status().queriedPledges == ["KOR-BER25-001"])

        try korea.store.edit(id, setting: [.women: .integer(15)])
        try korea.sync()
        #expect(try korea.pledge(id).review == .submitted)
        try secretariat.sync()
        #expect(try secretariat.pledge(id).review == .submitted)
        try secretariat.store.edit(id, setting: [.review: .text("ACCEPTED"), .reviewNote: .null])
        try secretariat.sync()
        for node in [korea, ghana, secretariat] { try node.sync() }

        let final = try secretariat.pledge(id)
        #expect(final.review == .accepted && final.integer(.women) == 15 && final.text(.registryRef) == "PKM-2025-KOR-001")
        #expect(try korea.pledge(id) == final)
        #expect(try korea.store.status().queriedPledges.isEmpty)
        #expect(try ghana.allPledges()[id] == nil)
        // A second acknowledgement of another pledge takes the next number; numbers are never reused.
        let second = try korea.addHospital(title: "Engineering support")
        try korea.sync()
        try secretariat.sync()
        try secretariat.store.edit(second, setting: [.review: .text("ACKNOWLEDGED")])
        try secretariat.sync()
        #expect(try secretariat.pledge(second).text(.registryRef) == "PKM-2025-KOR-002")
    }

    @Test func duplicatesEnteredOnTwoLaptopsAreMergedWithoutLosingAValue() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop1 = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let laptop2 = try TestNode("kor2", in: directory, delegation: "KOR", registry: registry)
        let secretariat = try TestNode("un1", in: directory, delegation: nil, registry: registry)
        let first = try laptop1.store.create([
            .ministerial: .text("BERLIN_2025"), .area: .text("MEDICAL"), .modality: .text("UNIT"),
            .title: .text("Level 2 hospital for UNMISS"), .unitType: .text("LEVEL_2_HOSPITAL"), .unitCount: .integer(1),
            .personnel: .integer(63), .women: .integer(12),
        ]).pledge
        let second = try laptop2.store.create([
            .ministerial: .text("BERLIN_2025"), .area: .text("MEDICAL"), .modality: .text("UNIT"),
            .title: .text("Level-2 hospital, UNMISS"), .unitType: .text("LEVEL_2_HOSPITAL"), .unitCount: .integer(1),
            .personnel: .integer(70), .missions: .list(["UNMISS"]), .availableFrom: .text("2026-01-01"),
        ]).pledge
        for node in [laptop1, laptop2, secretariat] { try node.sync() }

        let listed = try PledgeBinary.run(["duplicates", "--db", secretariat.store.path, "--json"])
        #expect(listed.status == 0)
        let candidates = try CanonicalJSON.decode([DuplicateCandidate].self, from: listed.stdout)
        try #require(candidates.count == 1)
        #expect(Set([candidates[0].keep, candidates[0].duplicate]) == [first.id, second.id])
        let merge = try PledgeBinary.run(["merge", "--db", secretariat.store.path, candidates[0].duplicate, "--into", candidates[0].keep])
        #expect(merge.status == 0, "\(merge.stderr)")
        try secretariat.sync()
        for node in [laptop1, laptop2, secretariat] { try node.sync() }

        for node in [laptop1, laptop2, secretariat] {
            let pledges = try node.allPledges()
            let active = pledges.values.filter { $0.status.isActive }
            #expect(active.map(\.id) == [candidates[0].keep], "node \(node.name)")
            let superseded = try #require(pledges[candidates[0].duplicate])
            #expect(superseded.status == .superseded && superseded.text(.supersededBy) == candidates[0].keep)
        }
        // Every value entered on either laptop is the kept pledge's value or a candidate of a conflict on it.
        let kept = try secretariat.pledge(candidates[0].keep)
        let conflicts = try secretariat.store.conflicts().filter { $0.pledgeId == kept.id }
        for original in [first, second] {
            for (field, value) in original.fields where !NodeStore.fieldsNotMerged.contains(field) {
                let kept = kept[field] == value
                let candidate = conflicts.contains { $0.field == field && $0.candidates.contains { $0.value == value } }
                #expect(kept || candidate, "\(field.rawValue) = \(value) was lost")
            }
        }
        #expect(Set(conflicts.map(\.field)) == [.title, .personnel])
    }

    @Test func tamperingWithOneLogEntryIsDetectedAndNamed() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop.addHospital()
        try laptop.sync()
        try laptop.store.edit(id, setting: [.women: .integer(20)])
        try laptop.sync()
        registry.kill()

        let clean = try PledgeBinary.run(["registry", "audit", "verify", "--db", registry.databasePath])
        #expect(clean.status == 0, "\(clean.stderr)")
        let export = directory.path("audit.jsonl")
        #expect(try PledgeBinary.run(["registry", "audit", "export", "--db", registry.databasePath, "--output", export]).status == 0)
        #expect(try PledgeBinary.run(["registry", "audit", "verify", "--file", export]).status == 0)

        // Change one byte of one entry's value: 12 → 13.
        let database = try DatabaseQueue(path: registry.databasePath)
        let target = try #require(try database.read { try Int.fetchOne($0, sql: #"SELECT id FROM change_log WHERE instr(value, '"women":12') > 0"#) })
        try database.write { try $0.execute(sql: #"UPDATE change_log SET value = replace(value, '"women":12', '"women":13') WHERE id = ?"#, arguments: [target]) }
        let tampered = try PledgeBinary.run(["registry", "audit", "verify", "--db", registry.databasePath])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("entry \(target) was altered"))

        // The exported copy is checked the same way.
        var lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: "KOR/kor1", with: "GHA/kor1")
        try lines.joined(separator: "\n").write(toFile: export, atomically: true, encoding: .utf8)
        let exported = try PledgeBinary.run(["registry", "audit", "verify", "--file", export])
        #expect(exported.status == 1 && exported.stderr.contains("entry 1 was altered"))
    }

    @Test func aDelegationCannotReviewOrSetSecretariatStatusesFromTheCommandLine() throws {
        let directory = TemporaryDirectory()
        let store = directory.path("kor.sqlite")
        try PledgeBinary.run(["init", "--db", store, "--delegation", "KOR"])
        let id = try PledgeBinary.run(["add", "--db", store, "--ministerial", "BERLIN_2025", "--area", "TRAINING", "--modality", "POLICY",
                                       "--title", "Policy"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let before = try PledgeBinary.run(["list", "--db", store, "--json"]).stdout
        let review = try PledgeBinary.run(["review", "--db", store, id, "--accept"])
        #expect(review.status == 64 && review.stderr.contains("review is set by the Secretariat only"))
        let status = try PledgeBinary.run(["edit", "--db", store, id, "--status", "VERIFIED"])
        #expect(status.status == 64 && status.stderr.contains("status VERIFIED is set by the Secretariat only"))
        let pcrs = try PledgeBinary.run(["edit", "--db", store, id, "--pcrs-level", "LEVEL_2"])
        #expect(pcrs.status == 64 && pcrs.stderr.contains("pcrsLevel is set by the Secretariat only"))
        #expect(try PledgeBinary.run(["list", "--db", store, "--json"]).stdout == before)
    }

    @Test func reportTotalsMatchAnIndependentCount() throws {
        let directory = TemporaryDirectory()
        let store = directory.path("un.sqlite")
        try PledgeBinary.run(["init", "--db", store, "--secretariat"])
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/data/sample-pledges.csv").path
        let imported = try PledgeBinary.run(["import", "--db", store, sample])
        #expect(imported.status == 0, "\(imported.stderr)")
        let raw = try CanonicalJSON.decode([Pledge].self, from: try PledgeBinary.run(["export", "--db", store, "--format", "json"]).stdout)
        #expect(raw.count == 40)

        let output = try PledgeBinary.run(["report", "--db", store, "--by", "delegation", "--json"])
        let report = try CanonicalJSON.decode(PledgeReport.self, from: output.stdout)
        let active = raw.filter { !["WITHDRAWN", "LAPSED", "SUPERSEDED"].contains($0.text(.status) ?? "") }
        #expect(report.total.pledges == active.count)
        #expect(report.total.personnel == active.compactMap { $0.integer(.personnel) }.reduce(0, +))
        #expect(report.total.women == active.compactMap { $0.integer(.women) }.reduce(0, +))
        #expect(report.total.units == active.compactMap { $0.integer(.unitCount) }.reduce(0, +))
        for row in report.rows {
            let mine = active.filter { $0.delegation == row.key }
            #expect(row.pledges == mine.count, "\(row.key)")
            #expect(row.personnel == mine.compactMap { $0.integer(.personnel) }.reduce(0, +), "\(row.key)")
            var cents: [String: Decimal] = [:]
            for pledge in mine { if let amount = pledge.text(.amount), let currency = pledge.text(.currency) { cents[currency, default: 0] += Decimal(string: amount)! } }
            #expect(row.amounts.mapValues { Decimal(string: $0)! } == cents, "\(row.key)")
        }
        #expect(Set(report.rows.map(\.key)) == Set(active.map(\.delegation)))
    }
}
