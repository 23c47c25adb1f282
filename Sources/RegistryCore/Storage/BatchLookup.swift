import GRDB
import PledgeModel
import PledgeSchema

/// What every change of a push batch looks up on its own, read once for the whole batch at the
/// start of its transaction: which change ids the registry already received (with the recorded
/// answers), and which pledges exist. The batch notes each answer it records and each pledge it
/// writes, so every change still sees what the changes before it in the batch did.
///
/// Two statements per batch instead of two per change (a replay check and a pledge read that, for
/// a creation, finds nothing): docs/performance.md, step 32.
final class BatchLookup {
    /// What the registry recorded when it received a change.
    struct Recorded {
        /// The change's content hash.
        let contentHash: String
        /// The answer given, as `RecordedAnswer` keeps it.
        let result: String
    }

    /// Recorded content hash and answer by change id.
    private var received: [String: Recorded] = [:]
    private var existingPledges: Set<String>

    /// Reads what `changes` will look up, in the batch's transaction.
    ///
    /// Each list of ids goes to SQLite as one JSON array (`json_each`), so the two statements are
    /// the same text for every batch and stay prepared; with one `?` per id they were prepared
    /// again for each batch and bound 1,000 values through GRDB (docs/performance.md, step 41).
    init(db: Database, changes: [Change]) throws {
        let changeIds = Self.jsonArray(Set(changes.map(\.changeId)))
        let pledgeIds = Self.jsonArray(Set(changes.map(\.pledgeId)))
        var received: [String: Recorded] = [:]
        try db.forEachBound(sql: "SELECT change_id, content_hash, result FROM received_change WHERE change_id IN (SELECT value FROM json_each(?))",
                            [.text(changeIds)]) { row in
            received[row.text(0) ?? ""] = Recorded(contentHash: row.text(1) ?? "", result: row.text(2) ?? "")
        }
        self.received = received
        var existing = Set<String>()
        try db.forEachBound(sql: "SELECT id FROM pledge WHERE id IN (SELECT value FROM json_each(?))", [.text(pledgeIds)]) { row in
            existing.insert(row.text(0) ?? "")
        }
        existingPledges = existing
    }

    /// `ids` as a JSON array of strings, escaped by `JSONWriter` (through `JSONEncoder` this was a
    /// thirtieth of the writer's CPU).
    private static func jsonArray(_ ids: Set<String>) -> String {
        var writer = JSONWriter()
        writer.array(ids) { writer, id in writer.string(id) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The recorded content hash and answer of `changeId`, if the registry has received it.
    func recorded(_ changeId: String) -> Recorded? {
        received[changeId]
    }

    /// Notes the answer recorded for `changeId` in this batch.
    func noteRecorded(_ changeId: String, contentHash: String, result: String) {
        received[changeId] = Recorded(contentHash: contentHash, result: result)
    }

    /// Whether the pledge has a row: it had one when the batch began, or the batch wrote one.
    func exists(pledge id: String) -> Bool {
        existingPledges.contains(id)
    }

    /// Notes that the batch wrote the pledge's row.
    func noteWritten(pledge id: String) {
        existingPledges.insert(id)
    }
}
