import PledgeStore

/// A sealed push batch with the device's signature over it, as it goes on the wire.
struct SignedBatch {
    /// The sealed changes, in outbox order.
    let changes: [SealedChange]
    /// The device's signature over the batch (`NodeStore.batchSignature(of:)`).
    let signature: String
    /// The pledges the batch edits.
    let pledgeIds: Set<String>

    /// Signs `changes`; nil when there are none.
    init?(signing changes: [SealedChange], store: NodeStore) throws {
        guard !changes.isEmpty else { return nil }
        self.changes = changes
        signature = try store.batchSignature(of: changes)
        pledgeIds = Set(changes.map(\.pledgeId))
    }

    /// The outbox position of its last change: the next batch is sealed after it.
    var lastSeq: Int { changes.last?.seq ?? 0 }

    /// Whether the two batches edit a pledge in common. Batches that do not commute: the registry
    /// may apply two batches in flight in either order, so only those that share nothing travel together.
    func sharesPledges(with other: SignedBatch) -> Bool {
        !pledgeIds.isDisjoint(with: other.pledgeIds)
    }
}
