import Foundation
import PledgeModel
import PledgeStore
import SyncClient
import Testing
import TestSupport

@Suite struct AuthorizationTests {
    /// A change as a node would send it, built by hand to bypass the node's own checks.
    func change(_ pledgeId: String, _ fields: FieldMap, base: Int) -> Change {
        Change(changeId: Identifier.make(), pledgeId: pledgeId, fields: fields,
               bases: fields.mapValues { _ in .version(base) }, device: "hand-made", madeAt: Timestamp.now())
    }

    @Test func ghanaCannotReadOrChangeAKoreanPledgeNorSetSecretariatFields() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let korea = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let ghana = try TestNode("gha1", in: directory, delegation: "GHA", registry: registry)
        let korean = try korea.addHospital()
        try korea.sync()
        let ghanaian = try ghana.addHospital(title: "Ghana hospital")
        try ghana.sync()
        let before = try korea.pledge(korean)

        // Reading: Ghana's pull has only its own pledge; a direct lookup is 403 (out of scope).
        #expect(Set(try ghana.allPledges().keys) == [ghanaian])
        let http = RawHTTP(base: registry.url)
        #expect(try http.send("GET", "/v1/pledges/\(korean)", token: ghana.token).status == 403)

        // Writing: one batch with a forbidden change, a Secretariat field, and a legitimate edit.
        // Signed with Ghana's own device key (enrolled at its first sync), so only the rules can refuse them.
        let batch = PushRequest(changes: try [
            change(korean, [.title: .text("Hijacked")], base: 1),
            change(ghanaian, [.review: .text("ACCEPTED"), .registryRef: .text("PKM-2025-GHA-999")], base: 0),
            change(ghanaian, [.status: .text("VERIFIED")], base: 0),
            change(ghanaian, [.women: .integer(20)], base: 2),
        ].map(ghana.sign))
        let reply = try http.send("POST", "/v1/push", token: ghana.token, body: try CanonicalJSON.encode(batch))
        #expect(reply.status == 200)
        let results = try CanonicalJSON.decode(PushResponse.self, from: reply.body).results
        #expect(results.map(\.outcome) == [.rejected, .rejected, .rejected, .applied])
        #expect(results[0].reasons.map(\.code) == ["not-your-pledge"])
        #expect(results[1].reasons.map(\.code) == ["forbidden-field", "forbidden-field"])
        #expect(results[2].reasons.map(\.code) == ["forbidden-status"])

        try korea.sync()
        #expect(try korea.pledge(korean) == before)
        try ghana.sync()
        let ghanaPledge = try ghana.pledge(ghanaian)
        #expect(ghanaPledge.integer(.women) == 20)
        #expect(ghanaPledge.review == nil && ghanaPledge.text(.registryRef) == nil && ghanaPledge.status == .announced)
    }

    @Test func requestsWithoutATokenOrWithARevokedTokenGet401() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let http = RawHTTP(base: registry.url)
        #expect(try http.send("GET", "/v1/health").status == 200)
        let noToken = try http.send("GET", "/v1/pull")
        #expect(noToken.status == 401)
        #expect(http.json(noToken)?["error"] as? String == "unauthorized")
        #expect(try http.send("POST", "/v1/push", body: Data(#"{"changes":[]}"#.utf8)).status == 401)
        #expect(try http.send("GET", "/v1/pull", token: "plg_not-a-real-token").status == 401)

        let issue = try PledgeBinary.run(["registry", "token", "issue", "--db", registry.databasePath, "--delegation", "KOR", "--device", "lost-laptop"])
        let token = issue.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try http.send("GET", "/v1/pull", token: token).status == 200)
        let tokenId = try #require(issue.stderr.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(token.hasPrefix("plg_\(tokenId)_"))
        let revoke = try PledgeBinary.run(["registry", "token", "revoke", "--db", registry.databasePath, tokenId])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(try http.send("GET", "/v1/pull", token: token).status == 401)
    }

    @Test func syncWithARefusedTokenExitsFive() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let store = directory.path("node.sqlite")
        try PledgeBinary.run(["init", "--db", store, "--delegation", "KOR", "--registry", registry.url, "--token", "plg_wrong"])
        let outcome = try PledgeBinary.run(["sync", "--db", store])
        #expect(outcome.status == 5)
        #expect(outcome.stderr.contains("refused"))
    }
}
