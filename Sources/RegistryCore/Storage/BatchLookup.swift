import GRDB
import PledgeModel

/// What every change of a push batch looks up on its own, read once for the whole batch at the
/// start of its transaction: which change ids the registry already received (with the recorded
/// answers), and which pledges exist. A change id recorded, or a pledge written, by an earlier
/// change of the same batch is looked up again, so each change still sees what came before it.
///
/// Two statements per batch instead of two per change (a replay check and a pledge read that, for
/// a creation, finds nothing): docs/performance.md, step 32.
final class BatchLookup {
    private let received: [String: Row]
    private let existingPledges: Set<String>
    private var recordedInBatch: Set<String> = []
    private var writtenInBatch: Set<String> = []

    /// Reads what `changes` will look up, in the batch's transaction.
    init(db: Database, changes: [Change]) throws {
        let changeIds = Array(Set(changes.map(\.changeId)))
        let pledgeIds = Array(Set(changes.map(\.pledgeId)))
        var received: [String: Row] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT change_id, content_hash, result FROM received_change WHERE change_id IN (\(Self.placeholders(changeIds.count)))",
                                    arguments: StatementArguments(changeIds)) {
            received[row["change_id"]] = row
        }
        self.received = received
        existingPledges = Set(try String.fetchAll(db, sql: "SELECT id FROM pledge WHERE id IN (\(Self.placeholders(pledgeIds.count)))",
                                                  arguments: StatementArguments(pledgeIds)))
    }

    /// The recorded content hash and answer of `changeId`, if the registry has received it.
    func recorded(_ changeId: String, db: Database) throws -> Row? {
        guard recordedInBatch.contains(changeId) else { return received[changeId] }
        return try Row.fetchOne(db.cachedStatement(sql: "SELECT content_hash, result FROM received_change WHERE change_id = ?"),
                                arguments: [changeId])
    }

    /// Notes that `changeId`'s answer was recorded in this batch.
    func noteRecorded(_ changeId: String) {
        recordedInBatch.insert(changeId)
    }

    /// Whether the pledge may have a row: it had one when the batch began, or the batch wrote one.
    func mayExist(pledge id: String) -> Bool {
        existingPledges.contains(id) || writtenInBatch.contains(id)
    }

    /// Notes that the batch wrote the pledge's row.
    func noteWritten(pledge id: String) {
        writtenInBatch.insert(id)
    }

    private static func placeholders(_ count: Int) -> String {
        count == 0 ? "NULL" : repeatElement("?", count: count).joined(separator: ",")
    }
}
