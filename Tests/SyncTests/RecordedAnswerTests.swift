import Foundation
import GRDB
import PledgeModel
@testable import RegistryCore
import Testing
import TestSupport

/// The registry keeps each change's answer so that a replay gets the same bytes (invariant 3): short
/// when every field applied as sent, whole otherwise (`RecordedAnswer`).
@Suite struct RecordedAnswerTests {
    @Test func anAnswerThatAppliesEveryFieldAsSentIsRecordedShortAndReplaysUnchanged() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let http = RawHTTP(base: registry.url)
        let id = try laptop.addHospital()
        let creation = try #require(try laptop.store.sealedChanges(limit: 10).first)
        let created = try http.send("POST", "/v1/push", token: laptop.token, body: pushRequestBody([creation.body]))
        let createdResult = try #require(try CanonicalJSON.decode(PushResponse.self, from: created.body).results.first)
        #expect(createdResult.outcome == .applied)

        // The edit is based on the creation's change (the node has no answer yet): the registry reads
        // the version it produced from the creation's short record.
        try laptop.store.edit(id, setting: [.women: .integer(15)])
        let edit = try #require(try laptop.store.sealedChanges(limit: 10).first { $0.changeId != creation.changeId })
        let edited = try http.send("POST", "/v1/push", token: laptop.token, body: pushRequestBody([edit.body]))
        let editResult = try #require(try CanonicalJSON.decode(PushResponse.self, from: edited.body).results.first)
        #expect(editResult.outcome == .applied)
        #expect(editResult.fields[.women] == VersionedValue(value: .integer(15), version: createdResult.fields[.women]!.version + 1))

        let records = try recordedAnswers(in: registry.databasePath)
        let creationRecord = try #require(records[creation.changeId])
        #expect(creationRecord.hasPrefix(#"{"appliedAt":"#))
        #expect(creationRecord.utf8.count * 3 < (try CanonicalJSON.string(createdResult)).utf8.count)
        #expect(records[edit.changeId] == #"{"appliedAt":\#(editResult.fields[.women]!.version),"fields":["women"]}"#)

        // The log's head in a reply moves on with later pushes; each change's answer does not.
        for (body, result) in [(creation.body, createdResult), (edit.body, editResult)] {
            let replay = try http.send("POST", "/v1/push", token: laptop.token, body: pushRequestBody([body]))
            #expect(try CanonicalJSON.decode(PushResponse.self, from: replay.body).results == [result])
        }
        #expect(try http.send("POST", "/v1/push", token: laptop.token, body: pushRequestBody([edit.body])).body == edited.body)
    }

    @Test func anAnswerThatSaysMoreThanItsChangeIsRecordedWholeAndReplaysByteForByte() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop1 = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let laptop2 = try TestNode("kor2", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop1.addHospital()
        try laptop1.sync()
        try laptop2.sync()
        try laptop1.store.edit(id, setting: [.women: .integer(20)])
        try laptop2.store.edit(id, setting: [.women: .integer(25)])
        try laptop1.sync()

        let concurrent = try #require(try laptop2.store.sealedChanges(limit: 10).first)
        let http = RawHTTP(base: registry.url)
        let first = try http.send("POST", "/v1/push", token: laptop2.token, body: pushRequestBody([concurrent.body]))
        #expect(try CanonicalJSON.decode(PushResponse.self, from: first.body).results.first?.outcome == .mergedWithConflicts)
        #expect(try recordedAnswers(in: registry.databasePath)[concurrent.changeId]?.hasPrefix(#"{"changeId":"#) == true)
        #expect(try http.send("POST", "/v1/push", token: laptop2.token, body: pushRequestBody([concurrent.body])).body == first.body)
    }

    /// Found by the randomized convergence test: a change that sets a field to the value it already
    /// has writes nothing, and its answer (the older version) must not be recorded as applied by it.
    @Test func aChangeThatSetsTheValueAlreadyThereIsRecordedWhole() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop.addHospital(women: 12)
        try laptop.sync()
        let version = try #require(try laptop.store.pledge(id).versions[.women])
        let same = Change(changeId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", pledgeId: id, fields: [.women: .integer(12)],
                          bases: [.women: .version(version)], device: "script", madeAt: "2026-12-03T00:00:00Z")
        // Sent from a device without a registered key, so the hand-made change needs no signature.
        let token = try registry.issueToken(["--delegation", "KOR"], device: "script")
        let http = RawHTTP(base: registry.url)
        let body = pushRequestBody([try CanonicalJSON.encode(same)])
        let first = try http.send("POST", "/v1/push", token: token, body: body)
        let result = try #require(try CanonicalJSON.decode(PushResponse.self, from: first.body).results.first)
        #expect(result.outcome == .applied && result.fields[.women] == VersionedValue(value: .integer(12), version: version))
        #expect(try recordedAnswers(in: registry.databasePath)[same.changeId]?.hasPrefix(#"{"changeId":"#) == true)
        #expect(try http.send("POST", "/v1/push", token: token, body: body).body == first.body)
    }

    /// Only an answer that repeats the change, every field at one new version, is shortened.
    @Test(arguments: [
        ("every field applied as sent", ChangeOutcome.applied, [PledgeField.title: (FieldValue.text("Sent"), 7), .women: (.integer(3), 7)], true),
        ("every field at an older version than the one the change wrote", .applied, [.title: (.text("Sent"), 5), .women: (.integer(3), 5)], false),
        ("a field left at an older version", .applied, [.title: (.text("Sent"), 7), .women: (.integer(3), 5)], false),
        ("a value other than the one sent", .applied, [.title: (.text("Derived"), 7), .women: (.integer(3), 7)], false),
        ("a field fewer than the change set", .applied, [.title: (.text("Sent"), 7)], false),
        ("merged with conflicts", .mergedWithConflicts, [.title: (.text("Sent"), 7), .women: (.integer(3), 7)], false),
    ])
    func onlyAnAnswerThatRepeatsItsChangeIsShortened(_ label: String, _ outcome: ChangeOutcome,
                                                     _ answered: [PledgeField: (FieldValue, Int)], _ short: Bool) throws {
        let change = Change(changeId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", pledgeId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
                            fields: [.title: .text("Sent"), .women: .integer(3)], bases: [.title: .version(4), .women: .version(4)],
                            resolves: [], device: "kor1", madeAt: "2026-12-03T00:00:00Z")
        var fields = FieldDictionary<VersionedValue>()
        for (field, (value, version)) in answered { fields[field] = VersionedValue(value: value, version: version) }
        let result = ChangeResult(changeId: change.changeId, outcome: outcome, fields: fields,
                                  conflicts: outcome == .mergedWithConflicts ? ["c1"] : [])
        let json = try CanonicalJSON.string(result)
        let record = RecordedAnswer.record(of: result, json: json, to: change, seq: 7)

        #expect((record != json) == short, "\(label)")
        #expect(RecordedAnswer.record(of: result, json: json, to: change, seq: 0) == json, "\(label): a change that wrote nothing")
        #expect(try RecordedAnswer.read(record).answer(to: change) == result, "\(label): read back")
    }

    /// Every recorded answer by change id, as the registry's file holds it.
    private func recordedAnswers(in path: String) throws -> [String: String] {
        try DatabaseQueue(path: path).read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT change_id, result FROM received_change").map {
                ($0["change_id"] as String, $0["result"] as String)
            })
        }
    }
}
