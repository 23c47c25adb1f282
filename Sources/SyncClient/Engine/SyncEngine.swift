import Foundation
import PledgeModel
import PledgeSecurity
import PledgeStore

/// What a sync did, for people and for `--json`.
public struct SyncReport: Codable, Sendable, Hashable {
    /// Changes sent.
    public var pushed = 0
    /// Changes applied in full.
    public var applied = 0
    /// Changes applied in part, with some fields held as conflict candidates.
    public var mergedWithConflicts = 0
    /// Changes refused, with reasons kept in the store.
    public var rejected = 0
    /// Pledges received by pull.
    public var pulled = 0
    /// Pull pages committed.
    public var pages = 0
    /// Open conflicts in scope after the sync.
    public var openConflicts = 0
    /// Rejection messages from this sync.
    public var rejections: [String] = []
    /// Bytes and requests on the wire.
    public var wire = WireCounters()

    /// Creates an empty report.
    public init() {}
}

/// `pledge sync`: push the outbox in sealed batches, then pull page by page to the end.
///
/// Each push reply and each pull page is committed in its own transaction, so a sync killed at
/// any point resumes where it stopped and resends only what was not acknowledged.
public struct SyncEngine {
    /// Changes per push request.
    public var pushBatchSize = 500
    /// Pledges per pull page.
    public var pullPageSize = 500
    /// Called with a line of progress for long runs.
    public var progress: (String) -> Void = { _ in }

    /// Creates an engine with default batch sizes.
    public init() {}

    /// Runs a full sync of `store` against `client`.
    public func run(store: NodeStore, client: RegistryClient) throws -> SyncReport {
        var report = SyncReport()
        try push(store: store, client: client, report: &report)
        try pull(store: store, client: client, report: &report)
        report.openConflicts = try store.recordSyncFinished()
        report.wire = client.counters
        return report
    }

    private func push(store: NodeStore, client: RegistryClient, report: inout SyncReport) throws {
        let total = try store.pendingChangeCount()
        guard total > 0 else { return }
        client.devicePublicKey = try store.devicePublicKey()
        // The registry's key is learnt on first contact (trust on first use) and kept; every receipt
        // must verify with it before the node lets go of a change.
        let registryKey: String
        if let known = try store.registryPublicKey() {
            registryKey = known
        } else {
            registryKey = try client.registryPublicKey()
            try store.setRegistryPublicKey(registryKey)
        }
        // Up to two batches travel at once (one per connection), so the registry starts on the next
        // batch while it commits one and while the node records the answer. The registry may apply
        // the two in either order, so they go together only when they edit different pledges (they
        // commute); a batch that edits a pledge of a batch still unanswered waits for that answer,
        // and each pledge's changes reach the registry in outbox order. While batches travel the node
        // seals and signs the next one, and records answers in the order the batches were sent.
        let lanes = min(2, max(1, client.maximumConcurrentCalls))
        var travelling: [(batch: SignedBatch, reply: Background<PushAnswer>)] = []
        var next = try SignedBatch(signing: store.sealedChanges(limit: pushBatchSize), store: store)
        func sendWhatMayGo(holdingBackEditsOf answered: SignedBatch? = nil) throws {
            while let ready = next, travelling.count < lanes, !travelling.contains(where: { $0.batch.sharesPledges(with: ready) }),
                  answered.map({ !$0.sharesPledges(with: ready) }) ?? true {
                travelling.append((ready, Background { try client.push(ready.changes, batchSignature: ready.signature) }))
                next = try SignedBatch(signing: store.sealedChanges(limit: pushBatchSize, after: ready.lastSeq), store: store)
            }
        }
        do {
            while true {
                try sendWhatMayGo()
                guard !travelling.isEmpty else { return }
                let (batch, reply) = travelling.removeFirst()
                let response = try reply.value()
                // The freed connection takes the next batch before this answer is recorded, unless it
                // edits a pledge of this batch: that one waits until the answer is checked and recorded.
                try sendWhatMayGo(holdingBackEditsOf: batch)
                try record(response, of: batch.changes, registryKey: registryKey, store: store, client: client, report: &report)
                if total > pushBatchSize { progress("pushed \(report.pushed)/\(total) changes") }
            }
        } catch {
            // Nothing is left running on the client: the requests still out are waited for (their
            // changes stay in the outbox, sealed, and the next sync resends them).
            travelling.forEach { $0.reply.finish() }
            throw error
        }
    }

    /// Checks a push answer (its receipt verifies, every change answered) and commits it.
    private func record(_ answer: PushAnswer, of batch: [SealedChange], registryKey: String, store: NodeStore,
                        client: RegistryClient, report: inout SyncReport) throws {
        var response = answer.response
        guard let receipt = response.receipt, let signed = try Self.whatReceiptSigns(receipt, of: answer, publicKey: registryKey) else {
            // Say why, when it is the key: a registry other than the one this node trusts (pinned or first met).
            if let presented = try? client.registryPublicKey(), presented != registryKey {
                throw RegistryClientError.protocolError(
                    "the registry signs with key \(presented), not with the key this node trusts (\(registryKey)): it is not the registry "
                    + "this node was set up for, or its key was replaced; nothing of its reply was applied, ask its operator")
            }
            throw RegistryClientError.protocolError("the push reply's receipt does not verify with the registry's key")
        }
        let answered = Set(response.results.map(\.changeId))
        guard batch.allSatisfy({ answered.contains($0.changeId) }) else {
            throw RegistryClientError.protocolError("the push reply does not answer every change sent")
        }
        if signed == .reEncoded {
            // The body is not the registry's canonical JSON byte for byte, so neither are the texts
            // the reader kept: the store writes each confirmed state itself.
            for index in response.results.indices { response.results[index].fieldsJSONAsReceived = nil }
        }
        try store.applyPushResults(response.results, auditHead: response.auditHead)
        report.pushed += batch.count
        let pledgeIds = Dictionary(batch.map { ($0.changeId, $0.pledgeId) }, uniquingKeysWith: { first, _ in first })
        for result in response.results {
            switch result.outcome {
            case .applied: report.applied += 1
            case .mergedWithConflicts: report.mergedWithConflicts += 1
            case .rejected:
                report.rejected += 1
                let pledgeId = pledgeIds[result.changeId] ?? "?"
                report.rejections.append("pledge \(pledgeId), change \(result.changeId): " + result.reasons.map(\.message).joined(separator: "; "))
            }
        }
    }

    /// What a verified receipt signs: the reply's body as sent, or only the decoded reply encoded again.
    private enum SignedForm {
        /// The body's own bytes: the registry's canonical JSON.
        case asSent
        /// A registry that does not answer in canonical JSON: the reply, decoded and written again.
        case reEncoded
    }

    /// What the receipt verifies against (nil: it does not verify): the body's own bytes, else the
    /// decoded reply encoded again.
    private static func whatReceiptSigns(_ receipt: String, of answer: PushAnswer, publicKey: String) throws -> SignedForm? {
        if let asSent = Signatures.signedBytes(ofPushReplyBody: answer.body), Signatures.isValidReceipt(receipt, ofReply: asSent, publicKey: publicKey) {
            return .asSent
        }
        return Signatures.isValidReceipt(receipt, ofReply: try Signatures.signedBytes(of: answer.response), publicKey: publicKey) ? .reEncoded : nil
    }

    private func pull(store: NodeStore, client: RegistryClient, report: inout SyncReport) throws {
        // The next page is fetched while this one is committed; the cursor is stored with each
        // page, so a sync stopped anywhere resumes after the last committed page.
        var requested = try store.pullCursor()
        var page = try client.pull(after: requested, limit: pullPageSize)
        while true {
            let following = page.hasMore ? Background { [cursor = page.cursor, limit = pullPageSize] in
                try client.pull(after: cursor, limit: limit)
            } : nil
            do {
                try store.applyPullPage(page, requestedAfter: requested)
            } catch {
                following?.finish()
                throw error
            }
            report.pages += 1
            report.pulled += page.pledges.count
            if page.hasMore || report.pages > 1 { progress("pulled \(report.pulled) pledges") }
            guard let following else { return }
            requested = page.cursor
            page = try following.value()
        }
    }
}
