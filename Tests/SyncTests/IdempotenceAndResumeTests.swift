import Foundation
import PledgeModel
import PledgeStore
import SyncClient
import Testing
import TestSupport

@Suite struct IdempotenceAndResumeTests {
    @Test func replayingTheSamePushTenTimesChangesNothing() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let id = try laptop.addHospital()
        try laptop.store.edit(id, setting: [.women: .integer(15)])
        let sealed = try laptop.store.sealedChanges(limit: 10)
        let body = pushRequestBody(sealed.map(\.body))

        let http = RawHTTP(base: registry.url)
        let first = try http.send("POST", "/v1/push", token: laptop.token, body: body)
        #expect(first.status == 200)
        let logEntries = try rowCount("change_log", in: registry.databasePath)
        let state = try http.send("GET", "/v1/pledges/\(id)", token: laptop.token).body
        for _ in 1...10 {
            let replay = try http.send("POST", "/v1/push", token: laptop.token, body: body)
            #expect(replay.body == first.body)
        }
        #expect(try rowCount("change_log", in: registry.databasePath) == logEntries)
        #expect(try rowCount("received_change", in: registry.databasePath) == sealed.count)
        #expect(try http.send("GET", "/v1/pledges/\(id)", token: laptop.token).body == state)

        // The same change id with other content is refused, typed, and changes nothing either.
        var tampered = try CanonicalJSON.decode(Change.self, from: sealed[0].body)
        tampered.fields[.title] = .text("Tampered")
        let reply = try http.send("POST", "/v1/push", token: laptop.token, body: try CanonicalJSON.encode(PushRequest(changes: [tampered])))
        #expect(try CanonicalJSON.decode(PushResponse.self, from: reply.body).results.first?.reasons.first?.code == "change-id-reused")
        #expect(try http.send("GET", "/v1/pledges/\(id)", token: laptop.token).body == state)
    }

    /// The registry reads a batch's known change ids and pledges in one statement per list
    /// (`BatchLookup`); ids full of JSON's special characters must neither break that read nor
    /// hide a replay that travels with them.
    @Test func aReplayInABatchWithIdsOfEveryJSONSpecialCharacterGetsItsRecordedAnswer() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        _ = try laptop.addHospital()
        let sealed = try laptop.store.sealedChanges(limit: 10)
        let http = RawHTTP(base: registry.url)
        let first = try http.send("POST", "/v1/push", token: laptop.token, body: pushRequestBody(sealed.map(\.body)))
        #expect(first.status == 200)
        let recorded = try CanonicalJSON.decode(PushResponse.self, from: first.body).results

        let odd = "a\"b\\c/d\u{2028}e\u{0}f],[\"g"
        var oddChange = try CanonicalJSON.decode(Change.self, from: sealed[0].body)
        oddChange.changeId = odd
        var oddPledge = try CanonicalJSON.decode(Change.self, from: sealed[0].body)
        oddPledge.changeId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
        oddPledge.pledgeId = odd
        let bodies = try [CanonicalJSON.encode(oddChange)] + sealed.map(\.body) + [CanonicalJSON.encode(oddPledge)]
        let reply = try http.send("POST", "/v1/push", token: laptop.token, body: pushRequestBody(bodies))
        #expect(reply.status == 200)
        let results = try CanonicalJSON.decode(PushResponse.self, from: reply.body).results
        try #require(results.count == bodies.count)
        #expect(results.first?.reasons.first?.field == "changeId")
        #expect(Array(results.dropFirst().dropLast()) == recorded)
        #expect(results.last?.reasons.first?.field == "pledgeId")
        #expect(try rowCount("change_log", in: registry.databasePath) == sealed.count)
    }

    /// A registry holding `count` pledges of the Secretariat's making.
    func populatedRegistry(_ directory: TemporaryDirectory, count: Int) throws -> (RegistryProcess, TestNode) {
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let source = try TestNode("source", in: directory, delegation: nil, registry: registry)
        for index in 0..<count { _ = try source.addHospital(title: "Pledge \(index)", delegation: index % 2 == 0 ? "KOR" : "GHA") }
        try source.sync()
        return (registry, source)
    }

    @Test func aPullInterruptedAfterPageOneResumesToTheSameState() throws {
        let directory = TemporaryDirectory()
        let (registry, source) = try populatedRegistry(directory, count: 120)
        let reference = try TestNode("reference", in: directory, delegation: nil, registry: registry)
        reference.pageSize = 25
        try reference.sync()

        let interrupted = try TestNode("interrupted", in: directory, delegation: nil, registry: registry)
        interrupted.pageSize = 25
        #expect(throws: RegistryClientError.self) { try interrupted.sync(transport: FailingTransport(allowing: 1)) }
        #expect(try interrupted.store.pledges().count == 25)
        #expect(try interrupted.store.pullCursor() != "")

        // A new process opens the same file and syncs again.
        let reopened = try NodeStore(path: directory.path("interrupted.sqlite"))
        #expect(try reopened.pledges().count == 25)
        let resumed = try interrupted.sync()
        #expect(resumed.pulled == 95)
        #expect(try interrupted.allPledges() == reference.allPledges())
        #expect(try reference.allPledges() == source.allPledges())
    }

    @Test func aSyncProcessKilledMidPullResumesToTheSameState() throws {
        let directory = TemporaryDirectory()
        let (registry, source) = try populatedRegistry(directory, count: 300)
        let token = try registry.issueToken(["--secretariat"], device: "victim")
        for (attempt, delay) in [0.05, 0.2, 0.5].enumerated() {
            let path = directory.path("victim\(attempt).sqlite")
            try PledgeBinary.run(["init", "--db", path, "--secretariat", "--registry", registry.url, "--token", token])
            let sync = try PledgeBinary.start(["sync", "--db", path, "--page-size", "5"])
            Thread.sleep(forTimeInterval: delay)
            sync.signal(SIGKILL)
            sync.waitUntilExit()
            let resumed = try PledgeBinary.run(["sync", "--db", path])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let node = try NodeStore(path: path)
            let pledges = Dictionary(uniqueKeysWithValues: try node.pledges().map { ($0.pledge.id, $0.pledge) })
            #expect(pledges == (try source.allPledges()), "killed after \(delay) s")
        }
    }
}
