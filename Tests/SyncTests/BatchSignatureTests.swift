import Foundation
import GRDB
import PledgeModel
import PledgeSecurity
import Testing
import TestSupport

/// A push is signed once for the whole batch by the device and answered with one receipt for the
/// whole reply: each must still prove every change and every result, and be kept for audit.
@Suite struct BatchSignatureTests {
    @Test func aBatchSignatureProvesEveryChangeAndTheReceiptEveryResult() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        _ = try laptop.addHospital(title: "Enrols the device key")
        try laptop.sync()
        let first = try laptop.addHospital(title: "Second")
        let second = try laptop.addHospital(title: "Third")
        let sealed = try laptop.store.sealedChanges(limit: 10)
        #expect(sealed.map(\.pledgeId) == [first, second])
        let signature = try laptop.store.batchSignature(of: sealed)
        let http = RawHTTP(base: registry.url)
        var lastBody = Data()
        func push(_ bodies: [Data], signature: String?) throws -> PushResponse {
            let body = pushRequestBody(bodies, batchSignature: signature)
            let reply = try http.send("POST", "/v1/push", token: laptop.token, body: body)
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            lastBody = reply.body
            return try CanonicalJSON.decode(PushResponse.self, from: reply.body)
        }
        func registryHas(_ id: String) throws -> Bool {
            try http.send("GET", "/v1/pledges/\(id)", token: laptop.token).status == 200
        }

        // Neither the batch nor the changes signed: each change refused, typed; nothing written.
        let unsigned = try push(sealed.map(\.body), signature: nil)
        #expect(unsigned.results.map { $0.reasons.map(\.code) } == [["unsigned-change"], ["unsigned-change"]])
        // One change altered after the batch was signed: the signature covers none of them.
        let tampered = sealed.map(\.body).enumerated().map { index, body in
            index == 1 ? Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "Third", with: "Forged").utf8) : body
        }
        let forged = try push(tampered, signature: signature)
        #expect(forged.results.map { $0.reasons.map(\.code) } == [["bad-signature"], ["bad-signature"]])
        #expect(try !registryHas(first) && !registryHas(second))

        // The batch as signed applies, and the one receipt verifies for exactly these results.
        let response = try push(sealed.map(\.body), signature: signature)
        #expect(response.results.map(\.outcome) == [.applied, .applied])
        #expect(try registryHas(first) && registryHas(second))
        let registryKey = try #require(http.json(try http.send("GET", "/v1/registry-key", token: laptop.token))?["publicKey"] as? String)
        let receipt = try #require(response.receipt)
        #expect(Signatures.isValidReceipt(receipt, ofReply: try Signatures.signedBytes(of: response), publicKey: registryKey))
        // What it signs, as docs/protocol.md section 2a spells it out for other implementations.
        let documented = Data(("pledge-push-reply-v2\n" + Digest.sha256(try Signatures.signedBytes(of: response))).utf8)
        #expect(Signatures.isValid(receipt, of: documented, publicKey: registryKey))
        #expect(!Signatures.isValid(receipt, of: try Signatures.signedBytes(of: response), publicKey: registryKey))
        // A node checks it against the body as it came, less the receipt: the same bytes.
        #expect(Signatures.signedBytes(ofPushReplyBody: lastBody) == (try Signatures.signedBytes(of: response)))
        var altered = response
        altered.results[1].outcome = .rejected
        #expect(!Signatures.isValidReceipt(receipt, ofReply: try Signatures.signedBytes(of: altered), publicKey: registryKey))
        var shortened = response
        shortened.results.removeLast()
        #expect(!Signatures.isValidReceipt(receipt, ofReply: try Signatures.signedBytes(of: shortened), publicKey: registryKey))
        // The receipt also vouches for the change log's head it names.
        let head = try #require(response.auditHead)
        var otherHead = response
        otherHead.auditHead = AuditHead(entry: head.entry - 1, hash: head.hash)
        #expect(!Signatures.isValidReceipt(receipt, ofReply: try Signatures.signedBytes(of: otherHead), publicKey: registryKey))

        // Kept for audit: each change names its batch, whose signature verifies with the device's key
        // over hashes that include the change's own content hash.
        let changes = try sealed.map { try CanonicalJSON.decode(Change.self, from: $0.body) }
        let devicePublicKey = try laptop.store.devicePublicKey()
        try DatabaseQueue(path: registry.databasePath).read { db in
            for change in changes {
                let row = try #require(try Row.fetchOne(db, sql: """
                    SELECT signed_batch.content_hashes, signed_batch.signature FROM received_change
                    JOIN signed_batch ON signed_batch.id = received_change.batch_id WHERE received_change.change_id = ?
                    """, arguments: [change.changeId]))
                let hashes = (row["content_hashes"] as String).split(separator: "\n").map(String.init)
                #expect(hashes.contains(try Signatures.contentHash(of: change)))
                #expect(Signatures.isValid(row["signature"], of: Signatures.signedBytes(ofBatch: hashes), publicKey: devicePublicKey))
            }
            // The refused attempts recorded nothing; the replay below must not add a batch either.
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signed_batch")! == 2)
        }

        // The same changes by the other route, each signed alone as in a bundle, are the same
        // content: the recorded answers come back and nothing changes.
        let alone = try changes.map { try laptop.sign($0) }.map { try CanonicalJSON.encode($0) }
        let replay = try push(alone, signature: nil)
        #expect(replay.results == response.results)
        #expect(try DatabaseQueue(path: registry.databasePath).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signed_batch") } == 2)
        // The node, which never saw those answers, syncs them in; nothing is pushed twice.
        let report = try laptop.sync()
        #expect(report.pushed == 2 && report.applied == 2 && report.rejected == 0)
        #expect(try laptop.store.pendingChangeCount() == 0)
    }

    /// A change sealed by an older version carries its own signature inside its sealed bytes; pushed
    /// in one batch with changes sealed now, each is proven and applied.
    /// The bytes a receipt signs, cut from a reply's body, are the reply's less its receipt, in
    /// every shape a reply takes; a body without a receipt gives none.
    @Test func theSignedBytesCutFromAReplyAreTheRepliesWithoutItsReceipt() throws {
        let result = ChangeResult(changeId: "c1", outcome: .applied, fields: [.title: VersionedValue(value: .text("Receipt \"x\""), version: 3)])
        for head in [nil, AuditHead(entry: 12, hash: "ab12")] {
            for results in [[], [result], [result, result]] {
                let plain = PushResponse(results: results, auditHead: head)
                var signed = plain
                signed.receipt = "c2lnbmF0dXJl+/=="
                #expect(Signatures.signedBytes(ofPushReplyBody: try CanonicalJSON.encode(signed)) == (try CanonicalJSON.encode(plain)))
                #expect(Signatures.signedBytes(ofPushReplyBody: try CanonicalJSON.encode(plain)) == nil)
            }
        }
    }

    @Test func aNodeAcceptsTheReceiptOfAnEarlierRegistryAndNothingElse() throws {
        let registryKey = Signatures.makePrivateKey()
        let publicKey = try Signatures.publicKey(ofPrivateKey: registryKey)
        let reply = try CanonicalJSON.encode(PushResponse(results: [], auditHead: AuditHead(entry: 7, hash: "ab12")))
        let other = try CanonicalJSON.encode(PushResponse(results: [], auditHead: AuditHead(entry: 8, hash: "ab12")))
        // This registry's receipt signs the digest; an earlier one's signed the bytes themselves.
        let current = try Signatures.sign(Signatures.receiptMessage(ofReply: reply), privateKey: registryKey)
        let earlier = try Signatures.sign(reply, privateKey: registryKey)
        #expect(Signatures.isValidReceipt(current, ofReply: reply, publicKey: publicKey))
        #expect(Signatures.isValidReceipt(earlier, ofReply: reply, publicKey: publicKey))
        #expect(!Signatures.isValidReceipt(current, ofReply: other, publicKey: publicKey))
        #expect(!Signatures.isValidReceipt(earlier, ofReply: other, publicKey: publicKey))
        let stranger = try Signatures.publicKey(ofPrivateKey: Signatures.makePrivateKey())
        #expect(!Signatures.isValidReceipt(current, ofReply: reply, publicKey: stranger))
    }

    @Test func aChangeSealedWithItsOwnSignatureSharesABatchWithNewOnes() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        _ = try laptop.addHospital(title: "Enrols the device key")
        try laptop.sync()
        let old = try laptop.addHospital(title: "Sealed by an older version")
        let sealed = try #require(try laptop.store.sealedChanges(limit: 10).first)
        let signedAlone = try CanonicalJSON.encode(try laptop.sign(try CanonicalJSON.decode(Change.self, from: sealed.body)))
        try DatabaseQueue(path: laptop.store.path).write { db in
            try db.execute(sql: "UPDATE outbox SET body = ? WHERE change_id = ?", arguments: [signedAlone, sealed.changeId])
        }
        let new = try laptop.addHospital(title: "Sealed now")
        let report = try laptop.sync()
        #expect(report.pushed == 2 && report.applied == 2 && report.rejected == 0, "\(report.rejections)")
        let http = RawHTTP(base: registry.url)
        for id in [old, new] { #expect(try http.send("GET", "/v1/pledges/\(id)", token: laptop.token).status == 200) }
    }
}
