import Foundation
import PledgeModel
import PledgeStore
import SyncClient
import Testing
import TestSupport

/// The registry reads what a push batch looks up once for the whole batch (`BatchLookup`); each
/// change must still see what the changes before it in the same batch did.
@Suite struct BatchOrderTests {
    @Test func aCreationAndAnEditOfItInOneBatchBothApply() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop.addHospital(title: "First")
        // Sealed as by a sync that failed before its answer: the next edit is a change of its own.
        _ = try laptop.store.sealedChanges(limit: 10)
        try laptop.store.edit(id, setting: [.title: .text("Second")])
        #expect(try laptop.store.sealedChanges(limit: 10).count == 2)

        let report = try laptop.sync()
        #expect(report.pushed == 2)
        #expect(report.applied == 2)
        #expect(report.rejected == 0)
        let desk = try TestNode("kor-desk", in: directory, delegation: "KOR", registry: registry)
        try desk.sync()
        #expect(try desk.pledge(id).title == "Second")
        #expect(try desk.store.pledge(id).versions[.title] == 2)
        #expect(try rowCount("pledge", in: registry.databasePath) == 1)
    }

    @Test func theSameChangeTwiceInOneBatchIsAppliedOnceAndAnsweredAlike() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        _ = try laptop.addHospital()
        let sealed = try laptop.store.sealedChanges(limit: 10)
        try #require(sealed.count == 1)
        let body = pushRequestBody([sealed[0].body, sealed[0].body])

        let reply = try RawHTTP(base: registry.url).send("POST", "/v1/push", token: laptop.token, body: body)
        #expect(reply.status == 200)
        let results = try CanonicalJSON.decode(PushResponse.self, from: reply.body).results
        try #require(results.count == 2)
        #expect(results[0].outcome == .applied)
        #expect(results[1] == results[0])
        #expect(try rowCount("received_change", in: registry.databasePath) == 1)
        #expect(try rowCount("change_log", in: registry.databasePath) == 1)
        #expect(try rowCount("pledge", in: registry.databasePath) == 1)
    }

    @Test func aChangeIdReusedWithOtherContentLaterInTheSameBatchIsRefused() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop.addHospital(title: "First")
        let sealed = try laptop.store.sealedChanges(limit: 10)
        try #require(sealed.count == 1)
        var tampered = try CanonicalJSON.decode(Change.self, from: sealed[0].body)
        tampered.fields[.title] = .text("Tampered")
        let body = pushRequestBody([sealed[0].body, try CanonicalJSON.encode(tampered)])

        let reply = try RawHTTP(base: registry.url).send("POST", "/v1/push", token: laptop.token, body: body)
        #expect(reply.status == 200)
        let results = try CanonicalJSON.decode(PushResponse.self, from: reply.body).results
        try #require(results.count == 2)
        #expect(results[0].outcome == .applied)
        #expect(results[1].outcome == .rejected)
        #expect(results[1].reasons.map(\.code) == ["change-id-reused"])
        let state = try RawHTTP(base: registry.url).send("GET", "/v1/pledges/\(id)", token: laptop.token)
        #expect(String(decoding: state.body, as: UTF8.self).contains("\"First\""))
        #expect(try rowCount("received_change", in: registry.databasePath) == 1)
    }
}
