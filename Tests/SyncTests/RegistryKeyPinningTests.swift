import Foundation
import PledgeModel
import Testing
import TestSupport

/// The operator hands out the registry's public key with each token; a node set up with it trusts
/// that key from its first sync, so another registry (or a forged one) cannot acknowledge its changes.
@Suite struct RegistryKeyPinningTests {
    @Test func aNodePinnedToAnotherKeyLetsNothingGoAndOnePinnedToTheRightKeySyncs() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let printed = try PledgeBinary.run(["registry", "key", "--db", registry.databasePath])
        #expect(printed.status == 0, "\(printed.stderr)")
        let key = printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let served = RawHTTP(base: registry.url).json(try RawHTTP(base: registry.url).send("GET", "/v1/registry-key"))?["publicKey"] as? String
        #expect(served == key)
        let asJSON = try PledgeBinary.run(["registry", "key", "--db", registry.databasePath, "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(asJSON.stdout.utf8)) as? [String: String])?["publicKey"] == key)
        let otherKey = try PledgeBinary.run(["registry", "key", "--db", directory.path("another-registry.sqlite")])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!otherKey.isEmpty && otherKey != key)

        func node(_ name: String, pinning pinned: String) throws -> (store: String, outcome: PledgeBinary.Outcome) {
            let store = directory.path("\(name).sqlite")
            let token = try registry.issueToken(["--delegation", "KOR"], device: name)
            let made = try PledgeBinary.run(["init", "--db", store, "--delegation", "KOR", "--device", name, "--registry", registry.url,
                                             "--token", token, "--registry-key", pinned])
            return (store, made)
        }
        func addPledge(_ store: String) throws {
            let add = try PledgeBinary.run(["add", "--db", store, "--ministerial", "BERLIN_2025", "--area", "TRAINING",
                                            "--modality", "POLICY", "--title", "Pinned"])
            #expect(add.status == 0, "\(add.stderr)")
        }
        func pending(_ store: String) throws -> Int? {
            let status = try PledgeBinary.run(["status", "--db", store, "--json"])
            return (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["pendingChanges"] as? Int
        }

        // Not a key: refused before anything is written.
        let malformed = try node("kor-typo", pinning: "not-a-key")
        #expect(malformed.outcome.status == 64)
        #expect(malformed.outcome.stderr.contains("registry-key"))
        #expect(try PledgeBinary.run(["status", "--db", malformed.store]).status != 0)

        // Pinned to another registry's key: the registry applies the push, but the node lets nothing
        // go, says which key answered, and sends the same change again once the key is sorted out.
        let wrong = try node("kor-wrong", pinning: otherKey)
        #expect(wrong.outcome.status == 0, "\(wrong.outcome.stderr)")
        try addPledge(wrong.store)
        let refused = try PledgeBinary.run(["sync", "--db", wrong.store])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not with the key this node trusts"), "\(refused.stderr)")
        #expect(try pending(wrong.store) == 1)

        // Pinned to this registry's key: syncs as usual.
        let right = try node("kor-right", pinning: key)
        #expect(right.outcome.stderr.contains("registry key pinned"))
        try addPledge(right.store)
        let synced = try PledgeBinary.run(["sync", "--db", right.store])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try pending(right.store) == 0)
    }
}
