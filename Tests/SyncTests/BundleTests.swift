import Foundation
import GRDB
import PledgeModel
import PledgeSecurity
import PledgeStore
import SyncClient
import Testing
import TestSupport

/// Offline transport: signed changes carried in bundle files, through the real command line.
@Suite struct BundleTests {
    func run(_ arguments: [String]) throws -> PledgeBinary.Outcome {
        let outcome = try PledgeBinary.run(arguments)
        #expect(outcome.status == 0, "pledge \(arguments.joined(separator: " ")): \(outcome.stderr)")
        return outcome
    }

    /// A KOR node with three pledges, its token registered with its key in a fresh registry database.
    func nodeWithPledges(_ directory: TemporaryDirectory, name: String, registry: String) throws -> String {
        let store = directory.path("\(name).sqlite")
        _ = try run(["init", "--db", store, "--delegation", "KOR", "--device", "KOR-\(name)"])
        for title in ["Training course", "Medical team", "Engineering"] {
            _ = try run(["add", "--db", store, "--ministerial", "BERLIN_2025", "--area", "TRAINING", "--modality", "POLICY", "--title", title])
        }
        let key = try NodeStore(path: store).devicePublicKey()
        _ = try run(["registry", "token", "issue", "--db", registry, "--delegation", "KOR", "--device", "KOR-\(name)", "--public-key", key])
        return store
    }

    @Test func aBundleRoundTripGivesTheSameStateAsAnHTTPSync() throws {
        let directory = TemporaryDirectory()
        let byFile = try nodeWithPledges(directory, name: "laptop", registry: directory.path("registry-a.sqlite"))
        let byHTTP = directory.path("copy.sqlite")
        try FileManager.default.copyItem(atPath: byFile, toPath: byHTTP)

        _ = try run(["bundle", "export", "--db", byFile, "--output", directory.path("out.bundle")])
        _ = try run(["registry", "bundle", "import", directory.path("out.bundle"), "--db", directory.path("registry-a.sqlite"),
                     "--output", directory.path("return.bundle")])
        _ = try run(["bundle", "import", "--db", byFile, directory.path("return.bundle")])

        let registry = try RegistryProcess(databasePath: directory.path("registry-b.sqlite"))
        let key = try NodeStore(path: byHTTP).devicePublicKey()
        let token = try registry.issueToken(["--delegation", "KOR", "--public-key", key], device: "KOR-laptop")
        _ = try run(["sync", "--db", byHTTP, "--registry", registry.url, "--token", token])

        let viaFile = try NodeStore(path: byFile).pledges()
        let viaHTTP = try NodeStore(path: byHTTP).pledges()
        #expect(viaFile.count == 3)
        #expect(viaFile == viaHTTP)
        #expect(try NodeStore(path: byFile).status().pendingChanges == 0)
    }

    @Test func alteredForeignAndMisattributedChangesAreRefusedOneByOne() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path("registry.sqlite")
        let laptop = try nodeWithPledges(directory, name: "laptop", registry: registry)
        let other = try nodeWithPledges(directory, name: "other", registry: directory.path("elsewhere.sqlite"))
        _ = try run(["bundle", "export", "--db", laptop, "--output", directory.path("out.bundle")])
        _ = try run(["bundle", "export", "--db", other, "--output", directory.path("other.bundle")])
        var bundle = try CanonicalJSON.decode(OutboundBundle.self, from: try Data(contentsOf: URL(fileURLWithPath: directory.path("out.bundle"))))
        let foreign = try CanonicalJSON.decode(OutboundBundle.self, from: try Data(contentsOf: URL(fileURLWithPath: directory.path("other.bundle"))))

        // 1. one byte changed in a change; 2. a change signed by another device; 3. a pledge of another
        // delegation, properly signed by this device; the last original change is untouched.
        bundle.changes[0].fields[.title] = .text("Training coursf")
        bundle.changes[1] = foreign.changes[1]
        let privateKey = try DatabaseQueue(path: laptop).read {
            try String.fetchOne($0, sql: "SELECT value FROM node_setting WHERE key = 'device_private_key'")!
        }
        var misattributed = bundle.changes[2]
        misattributed.changeId = Identifier.make()
        misattributed.pledgeId = Identifier.make()
        misattributed.fields[.delegation] = .text("GHA")
        misattributed.fields[.ref] = .text("GHA-BER25-001")
        misattributed.signature = try Signatures.sign(try Signatures.signedBytes(of: misattributed), privateKey: privateKey)
        bundle.changes.append(misattributed)
        try CanonicalJSON.encode(bundle).write(to: URL(fileURLWithPath: directory.path("bad.bundle")))

        let outcome = try PledgeBinary.run(["registry", "bundle", "import", directory.path("bad.bundle"), "--db", registry,
                                            "--output", directory.path("return.bundle")])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let answer = try CanonicalJSON.decode(ReturnBundle.self, from: try Data(contentsOf: URL(fileURLWithPath: directory.path("return.bundle"))))
        #expect(answer.results.map(\.changeId) == bundle.changes.map(\.changeId))
        #expect(answer.results.map(\.outcome) == [.rejected, .rejected, .applied, .rejected])
        #expect(answer.results[0].reasons.map(\.code) == ["bad-signature"])
        #expect(answer.results[1].reasons.map(\.code) == ["bad-signature"])
        #expect(answer.results[3].reasons.map(\.code) == ["not-your-pledge"])
        #expect(answer.results[0].reasons[0].message.contains(bundle.changes[0].changeId))
    }

    @Test func theSameChangesByFileTwiceAndByHTTPApplyOnce() throws {
        let directory = TemporaryDirectory()
        let database = directory.path("registry.sqlite")
        let laptop = try nodeWithPledges(directory, name: "laptop", registry: database)
        _ = try run(["bundle", "export", "--db", laptop, "--output", directory.path("out.bundle")])
        for round in 1...2 {
            _ = try run(["registry", "bundle", "import", directory.path("out.bundle"), "--db", database, "--output", directory.path("return\(round).bundle")])
        }
        // An older layout (version 1: no cursor in the manifest) is upgraded, not refused.
        var legacy = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: directory.path("out.bundle")))) as! [String: Any]
        legacy["schemaVersion"] = 1
        var manifest = legacy["manifest"] as! [String: Any]
        manifest["cursor"] = nil
        legacy["manifest"] = manifest
        try JSONSerialization.data(withJSONObject: legacy).write(to: URL(fileURLWithPath: directory.path("legacy.bundle")))
        _ = try run(["registry", "bundle", "import", directory.path("legacy.bundle"), "--db", database, "--output", directory.path("return3.bundle")])

        // The same sealed changes also arrive over HTTP (the node never learnt of the bundles' answers).
        let registry = try RegistryProcess(databasePath: database)
        let token = try registry.issueToken(["--delegation", "KOR"], device: "KOR-laptop-http")
        let http = try CanonicalJSON.decode(SyncReport.self, from: try run(["sync", "--db", laptop, "--registry", registry.url, "--token", token, "--json"]).stdout)
        #expect(http.pushed == 3)
        registry.kill()

        let counts = try DatabaseQueue(path: database).read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM received_change")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT change_id, field FROM change_log WHERE kind = 'applied' GROUP BY change_id, field HAVING COUNT(*) > 1)")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT change_id) FROM change_log")!)
        }
        #expect(counts.0 == 3)
        #expect(counts.1 == 0)
        #expect(counts.2 == 3)
    }

    @Test func receiptsVerifyWithTheRegistryKeyAndFailWhenAltered() throws {
        let directory = TemporaryDirectory()
        let database = directory.path("registry.sqlite")
        let laptop = try nodeWithPledges(directory, name: "laptop", registry: database)
        _ = try run(["bundle", "export", "--db", laptop, "--output", directory.path("out.bundle")])
        _ = try run(["registry", "bundle", "import", directory.path("out.bundle"), "--db", database, "--output", directory.path("return.bundle")])
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.path("return.bundle")))
        let answer = try CanonicalJSON.decode(ReturnBundle.self, from: data)
        let registryKey = try DatabaseQueue(path: database).read { db in
            try Signatures.publicKey(ofPrivateKey: try String.fetchOne(db, sql: "SELECT private_key FROM registry_key")!)
        }
        #expect(answer.registryPublicKey == registryKey)
        for result in answer.results {
            #expect(Signatures.isValid(result.receipt!, of: try Signatures.signedBytes(of: result), publicKey: registryKey))
            var altered = result
            altered.fields[.title]?.version += 1
            #expect(!Signatures.isValid(result.receipt!, of: try Signatures.signedBytes(of: altered), publicKey: registryKey))
        }
        // A return bundle with one byte changed is refused by the node, and nothing is applied.
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"Medical team\"", with: "\"Medical teal\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory.path("altered.bundle")))
        let refused = try PledgeBinary.run(["bundle", "import", "--db", laptop, directory.path("altered.bundle")])
        #expect(refused.status == 64 && refused.stderr.contains("does not verify"))
        #expect(try NodeStore(path: laptop).status().pendingChanges == 3)
        _ = try run(["bundle", "import", "--db", laptop, directory.path("return.bundle")])
        #expect(try NodeStore(path: laptop).status().pendingChanges == 0)
    }
}
