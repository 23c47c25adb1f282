import Foundation
import PledgeModel
import PledgeSecurity
import RegistryCore
import Testing

/// The audit chain's hash format is a stored contract: logs written by any earlier build must
/// still verify, so the entry hash is pinned to its definition here.
@Suite struct AuditHashTests {
    @Test func entryHashIsSHA256OfLengthPrefixedPartsJoinedByBars() {
        let entry = AuditEntry(id: 12, seq: 40, changeId: "c-1", pledgeId: "p-é", field: "title", value: #""Level 2 | hospital""#,
                               kind: "applied", actor: "KOR/laptop-1", receivedAt: "2025-05-13T09:30:00Z",
                               previousHash: AuditEntry.genesisHash, hash: "")
        let parts = ["12", "40", "c-1", "p-é", "title", #""Level 2 | hospital""#, "applied", "KOR/laptop-1", "2025-05-13T09:30:00Z",
                     AuditEntry.genesisHash]
        let definition = parts.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        #expect(entry.computedHash() == Digest.sha256(definition))
        #expect(definition.hasPrefix("2:12|2:40|3:c-1|4:p-é|"))
        // The stored format, pinned to a value computed outside Swift (Python's hashlib over the definition).
        #expect(entry.computedHash() == "c16ce7ac1532a3f522a4b0b55c08005672f3f24e7172e23170737c2f819a5ca8")
    }

    @Test(arguments: [(0, 0), (7, 9), (10, 99), (100, 1_000), (123_456_789, 10), (Int.max, -1), (-42, Int.min)])
    func idAndSeqOfEveryLengthAndSignAreTheirDecimalText(id: Int, seq: Int) {
        let entry = AuditEntry(id: id, seq: seq, changeId: "c", pledgeId: "p", field: "f", value: "", kind: "k", actor: "a",
                               receivedAt: "t", previousHash: "h", hash: "")
        let parts = [String(id), String(seq), "c", "p", "f", "", "k", "a", "t", "h"]
        #expect(entry.computedHash() == Digest.sha256(parts.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")))
    }

    @Test func changingAnyPartChangesTheHash() {
        let entry = AuditEntry(id: 1, seq: 1, changeId: "c", pledgeId: "p", field: "title", value: "\"a\"", kind: "applied",
                               actor: "KOR/x", receivedAt: "t", previousHash: AuditEntry.genesisHash, hash: "")
        var altered = entry
        altered.value = "\"b\""
        #expect(altered.computedHash() != entry.computedHash())
        altered = entry
        altered.previousHash = String(repeating: "1", count: 64)
        #expect(altered.computedHash() != entry.computedHash())
    }
}
