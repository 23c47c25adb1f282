import Foundation
import PledgeModel
import Testing
import TestSupport

@Suite struct HostileRequestTests {
    @Test func badRequestsGet4xxWithAJSONErrorAndTheRegistryKeepsServing() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"), arguments: ["--max-body-bytes", "4096"])
        let token = try registry.issueToken(["--delegation", "KOR"], device: "fuzz")
        let http = RawHTTP(base: registry.url)
        let validChange = #"{"changeId":"6f1b5d2e-0000-4000-8000-000000000001","pledgeId":"6f1b5d2e-0000-4000-8000-000000000002","fields":{"title":"x"},"bases":{"title":0},"resolves":[],"device":"d","madeAt":"t"}"#
        let cases: [(name: String, body: String, code: String)] = [
            ("malformed JSON", #"{"changes": [ {"#, "malformed-json"),
            ("not an object", #"[1,2,3]"#, "invalid-request"),
            ("wrong type for changes", #"{"changes": "all of them"}"#, "invalid-request"),
            ("wrong type for a field value", #"{"changes":[{"changeId":"a","pledgeId":"b","fields":{"title":{"x":1}},"bases":{"title":0},"resolves":[],"device":"d","madeAt":"t"}]}"#, "invalid-request"),
            ("missing field", #"{"changes":[{"changeId":"a","fields":{},"bases":{},"resolves":[],"device":"d","madeAt":"t"}]}"#, "invalid-request"),
            ("unknown envelope field", #"{"changes":[], "sudo": true}"#, "unknown-field"),
            ("unknown change field", "{\"changes\":[" + validChange.replacingOccurrences(of: #""device":"d""#, with: #""device":"d","admin":true"#) + "]}", "unknown-field"),
            ("unknown pledge field", "{\"changes\":[" + validChange.replacingOccurrences(of: #""title":"x""#, with: #""title":"x","salary":1"#) + "]}", "invalid-request"),
            ("SQL metacharacters in a key", #"{"changes":[{"changeId":"'; DROP TABLE pledge; --","pledgeId":"x","fields":{"title'--":1},"bases":{},"resolves":[],"device":"d","madeAt":"t"}]}"#, "invalid-request"),
            ("deep nesting", String(repeating: "[", count: 4_000), "malformed-json"),
        ]
        for item in cases {
            let reply = try http.send("POST", "/v1/push", token: token, body: Data(item.body.utf8))
            #expect((400..<500).contains(reply.status), "\(item.name): \(reply.status)")
            #expect(http.json(reply)?["error"] as? String == item.code, "\(item.name): \(String(decoding: reply.body, as: UTF8.self))")
        }
        let oversize = try http.send("POST", "/v1/push", token: token, body: Data(("{\"changes\":[\"" + String(repeating: "a", count: 10_000) + "\"]}").utf8))
        #expect(oversize.status == 413)
        #expect(http.json(oversize)?["error"] as? String == "body-too-large")

        let unknownPledge = try http.send("GET", "/v1/pledges/00000000-0000-4000-8000-00000000dead", token: token)
        #expect(unknownPledge.status == 404)
        #expect(http.json(unknownPledge)?["error"] as? String == "unknown-pledge")
        let badCursor = try http.send("GET", "/v1/pull?cursor=%27%20OR%201%3D1", token: token)
        #expect(badCursor.status == 400)
        #expect(http.json(badCursor)?["error"] as? String == "invalid-cursor")

        // An edit of a pledge the registry does not know is a typed per-change rejection.
        let edit = validChange.replacingOccurrences(of: #""title":0"#, with: #""title":3"#)
        let reply = try http.send("POST", "/v1/push", token: token, body: Data(("{\"changes\":[" + edit + "]}").utf8))
        #expect(reply.status == 200)
        #expect(String(decoding: reply.body, as: UTF8.self).contains("unknown-pledge"))

        // The pull answers its token and its page in one database read; an unknown token is still a
        // 401, before anything about the query is judged.
        for path in ["/v1/pull", "/v1/pull?limit=0", "/v1/pull?cursor=s999999", "/v1/pull?cursor=%27%20OR%201%3D1"] {
            let unknownToken = try http.send("GET", path, token: "plg_0000000000000000_" + String(repeating: "A", count: 43))
            #expect(unknownToken.status == 401, "\(path): \(unknownToken.status)")
            #expect(http.json(unknownToken)?["error"] as? String == "unauthorized")
        }
        let badLimit = try http.send("GET", "/v1/pull?limit=0", token: token)
        #expect(badLimit.status == 400)
        #expect(http.json(badLimit)?["error"] as? String == "invalid-request")

        for (method, path) in [("GET", "/v1/nothing-here"), ("GET", "/"), ("POST", "/v1/pull"), ("GET", "/v1/push")] {
            let unknownRoute = try http.send(method, path, token: token)
            #expect([404, 405].contains(unknownRoute.status), "\(method) \(path): \(unknownRoute.status)")
            #expect(http.json(unknownRoute)?["error"] as? String == "not-found", "\(method) \(path) must answer a JSON error")
        }

        #expect(try http.send("GET", "/v1/health").status == 200)
        #expect(try http.send("GET", "/v1/pull", token: token).status == 200)
    }

    @Test func aChangeWithoutABaseForEachFieldIsRefusedNamingEveryOneAndWritesNothing() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let token = try registry.issueToken(["--delegation", "KOR"], device: "laptop")
        let http = RawHTTP(base: registry.url)
        // Three fields, a base for one only: both others are named, in field order (title is declared
        // before amount, though its name sorts after).
        let creation = #"{"changeId":"6f1b5d2e-0000-4000-8000-000000000011","pledgeId":"6f1b5d2e-0000-4000-8000-000000000012","fields":{"amount":"5","delegation":"KOR","title":"x"},"bases":{"delegation":0},"resolves":[],"device":"d","madeAt":"t"}"#
        let reply = try http.send("POST", "/v1/push", token: token, body: Data(("{\"changes\":[" + creation + "]}").utf8))
        #expect(reply.status == 200)
        let result = (http.json(reply)?["results"] as? [[String: Any]])?.first
        #expect(result?["outcome"] as? String == "rejected")
        let reasons = result?["reasons"] as? [[String: Any]] ?? []
        #expect(reasons.map { $0["code"] as? String } == ["missing-base", "missing-base"])
        #expect(reasons.map { $0["field"] as? String } == ["title", "amount"])
        let pull = try http.send("GET", "/v1/pull", token: token)
        #expect(pull.status == 200)
        #expect((http.json(pull)?["pledges"] as? [Any])?.isEmpty == true)
    }
}
