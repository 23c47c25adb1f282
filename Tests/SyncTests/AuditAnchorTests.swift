import Foundation
import GRDB
import PledgeModel
import Testing
import TestSupport

/// The hash chain cannot show entries cut from the end of the log; the heads nodes were given with
/// their push replies can (`pledge registry audit verify --anchor`).
@Suite struct AuditAnchorTests {
    @Test func entriesCutFromTheEndShowAgainstAHeadANodeWasGiven() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        let ghana = try TestNode("gha-laptop", in: directory, delegation: "GHA", registry: registry)
        _ = try laptop.addHospital(title: "First")
        _ = try laptop.addHospital(title: "Second")
        try laptop.sync()

        // The node keeps the head its last push reply named: the log's last entry then.
        let shown = try #require(try laptop.store.status().registryLogHead)
        let head = try #require(AuditHead(shown))
        let log = try DatabaseQueue(path: registry.databasePath)
        let last = try #require(try log.read { try Row.fetchOne($0, sql: "SELECT id, hash FROM change_log ORDER BY id DESC LIMIT 1") })
        #expect(head == AuditHead(entry: last["id"], hash: last["hash"]))
        #expect(try PledgeBinary.run(["status", "--db", laptop.store.path]).stdout.contains("registry log head: \(shown)"))

        // The log grows past it; the anchor still holds.
        _ = try ghana.addHospital(title: "Third", delegation: "GHA")
        try ghana.sync()
        let intact = try PledgeBinary.run(["registry", "audit", "verify", "--db", registry.databasePath, "--anchor", shown])
        #expect(intact.status == 0, "\(intact.stderr)")
        #expect(intact.stderr.contains("every anchor held"))

        // Cut the log back to before the anchored entry: the chain alone still verifies, the anchor does not.
        try log.write { try $0.execute(sql: "DELETE FROM change_log WHERE id >= ?", arguments: [head.entry]) }
        #expect(try PledgeBinary.run(["registry", "audit", "verify", "--db", registry.databasePath]).status == 0)
        let cut = try PledgeBinary.run(["registry", "audit", "verify", "--db", registry.databasePath, "--anchor", shown])
        #expect(cut.status == 1)
        #expect(cut.stderr.contains("entry \(head.entry), which a node was given as the log's head, is missing"), "\(cut.stderr)")
        let export = directory.path("cut.jsonl")
        #expect(try PledgeBinary.run(["registry", "audit", "export", "--db", registry.databasePath, "--output", export]).status == 0)
        #expect(try PledgeBinary.run(["registry", "audit", "verify", "--file", export, "--anchor", shown]).status == 1)

        // An anchor naming an entry with another hash fails too; a malformed one is bad usage.
        let otherHash = AuditHead(entry: 1, hash: String(repeating: "a", count: 64)).description
        let mismatch = try PledgeBinary.run(["registry", "audit", "verify", "--db", registry.databasePath, "--anchor", otherHash])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("entry 1 is not the entry a node was given"), "\(mismatch.stderr)")
        let malformed = try PledgeBinary.run(["registry", "audit", "verify", "--db", registry.databasePath, "--anchor", "12:xyz"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("anchor"))
    }
}
