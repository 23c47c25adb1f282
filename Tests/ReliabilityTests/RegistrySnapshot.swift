import Foundation
import GRDB
import PledgeModel
import PledgeStore
import RegistryCore

/// Everything in the registry's database that the invariants talk about, read in one transaction.
///
/// Read straight from the SQLite file (WAL lets a reader in while the server runs), so the checks
/// do not depend on the HTTP layer they are checking.
struct RegistrySnapshot {
    struct PledgeRow {
        var delegation: String
        var fields: FieldDictionary<VersionedValue>
        var updatedSeq: Int
        var state: PledgeState
    }

    struct LogRow {
        var id: Int
        var seq: Int
        var changeId: String
        var pledgeId: String
        var field: String
        var value: FieldValue?
        var kind: String
        var actor: String

        /// `KOR`, `SECRETARIAT`, or `REGISTRY` (fields the registry derives itself): the part before `/`.
        var principal: String { String(actor.prefix { $0 != "/" }) }
    }

    struct Received {
        var pledgeId: String
        var actor: String
        var result: ChangeResult?
    }

    /// What a change did to one field, as its recorded answer tells: the version it produced, or
    /// the conflict that holds its value (what a later change based on it reads).
    struct ChangeFieldRow {
        var version: Int?
        var conflictId: String?
    }

    struct ConflictRow {
        var pledgeId: String
        var field: String
        var state: String
        var record: ConflictRecord?
        var openedSeq: Int
    }

    var pledges: [String: PledgeRow] = [:]
    var partnerRows: Set<[String]> = []
    var received: [String: Received] = [:]
    var changeFields: [String: [String: ChangeFieldRow]] = [:]
    var log: [LogRow] = []
    var conflicts: [String: ConflictRow] = [:]
    var seq = 0
    var tokenCount = 0
    /// Rows whose JSON could not be read back: each is itself a finding.
    var decodeProblems: [String] = []
    /// A digest of every row of every table, to prove a replay changed nothing.
    var fingerprint = ""

    static func load(path: String) throws -> RegistrySnapshot {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in try load(db) }
    }

    /// Row counts of the tables that rejected input must never grow.
    static func counts(path: String) throws -> [String: Int] {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            var result: [String: Int] = [:]
            for table in ["pledge", "change_log", "change_field", "conflict", "pledge_partner", "received_change"] {
                result[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            result["seq"] = try Int.fetchOne(db, sql: "SELECT value FROM registry_meta WHERE key = 'seq'") ?? 0
            return result
        }
    }

    private static func load(_ db: Database) throws -> RegistrySnapshot {
        var snapshot = RegistrySnapshot()
        var digest = FNV1a()
        var shortAnswers: [String: (seq: Int, fields: [PledgeField])] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, delegation, fields, updated_seq FROM pledge ORDER BY id") {
            let id: String = row["id"]
            let text: String = row["fields"]
            digest.add("pledge|\(id)|\(text)|\(row["updated_seq"] as Int)")
            guard let fields = try? CanonicalJSON.decode(FieldDictionary<VersionedValue>.self, from: text) else {
                snapshot.decodeProblems.append("pledge \(id): fields JSON unreadable")
                continue
            }
            snapshot.pledges[id] = PledgeRow(delegation: row["delegation"], fields: fields, updatedSeq: row["updated_seq"],
                                             state: PledgeState(id: id, fields: fields, conflicts: []))
        }
        for row in try Row.fetchAll(db, sql: "SELECT delegation, pledge_id, updated_seq FROM pledge_partner ORDER BY delegation, pledge_id") {
            snapshot.partnerRows.insert([row["delegation"], row["pledge_id"], String(row["updated_seq"] as Int)])
            digest.add("partner|\(row["delegation"] as String)|\(row["pledge_id"] as String)")
        }
        for row in try Row.fetchAll(db, sql: "SELECT change_id, content_hash, pledge_id, actor, result FROM received_change ORDER BY change_id") {
            let id: String = row["change_id"]
            let text: String = row["result"]
            digest.add("received|\(id)|\(row["content_hash"] as String)|\(text)")
            let recorded = try? RecordedAnswer.read(text)
            if recorded == nil { snapshot.decodeProblems.append("received_change \(id): result JSON unreadable") }
            // A short answer is made whole below from the change log, independently of the registry's own reading.
            if case .appliedAsSent(let seq, let fields) = recorded { shortAnswers[id] = (seq, fields) }
            let whole: ChangeResult? = if case .whole(let result) = recorded { result } else { nil }
            snapshot.received[id] = Received(pledgeId: row["pledge_id"], actor: row["actor"], result: whole)
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM change_log ORDER BY id") {
            let stored = AuditEntry(id: row["id"], seq: row["seq"], changeId: row["change_id"], pledgeId: row["pledge_id"], field: row["field"],
                                    value: row["value"], kind: row["kind"], actor: row["actor"], receivedAt: row["received_at"],
                                    previousHash: row["prev_hash"], hash: row["hash"])
            digest.add("log|\(stored.id)|\(stored.seq)|\(stored.changeId)|\(stored.field)|\(stored.value)|\(stored.kind)|\(stored.actor)")
            // One row per field, as the checks read the log: an entry records every field one change set in one way.
            guard let values = try? stored.fieldValues(), !values.isEmpty else {
                snapshot.decodeProblems.append("change_log \(stored.id): value JSON unreadable")
                continue
            }
            for (field, text) in values {
                let entry = LogRow(id: stored.id, seq: stored.seq, changeId: stored.changeId, pledgeId: stored.pledgeId, field: field,
                                   value: try? CanonicalJSON.decode(FieldValue.self, from: text), kind: stored.kind, actor: stored.actor)
                if entry.value == nil { snapshot.decodeProblems.append("change_log \(stored.id): value of \(field) unreadable") }
                snapshot.log.append(entry)
            }
        }
        let logByChange = Dictionary(grouping: snapshot.log, by: \.changeId)
        for (id, short) in shortAnswers {
            snapshot.received[id]?.result = wholeAnswer(id, appliedAt: short.seq, fields: short.fields, log: logByChange[id] ?? [],
                                                        problems: &snapshot.decodeProblems)
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, pledge_id, field, state, record, opened_seq FROM conflict ORDER BY id") {
            let id: String = row["id"]
            let text: String = row["record"]
            digest.add("conflict|\(id)|\(row["state"] as String)|\(text)")
            let record = try? CanonicalJSON.decode(ConflictRecord.self, from: text)
            if record == nil { snapshot.decodeProblems.append("conflict \(id): record JSON unreadable") }
            snapshot.conflicts[id] = ConflictRow(pledgeId: row["pledge_id"], field: row["field"], state: row["state"],
                                                 record: record, openedSeq: row["opened_seq"])
        }
        for (id, received) in snapshot.received {
            guard let result = received.result, result.outcome != .rejected else { continue }
            for (field, answered) in result.fields {
                let conflictId = result.conflicts.first { snapshot.conflicts[$0]?.field == field.rawValue }
                snapshot.changeFields[id, default: [:]][field.rawValue] = ChangeFieldRow(version: conflictId == nil ? answered.version : nil,
                                                                                         conflictId: conflictId)
            }
        }
        snapshot.seq = try Int.fetchOne(db, sql: "SELECT value FROM registry_meta WHERE key = 'seq'") ?? 0
        digest.add("seq|\(snapshot.seq)")
        snapshot.tokenCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM token") ?? 0
        // A pull or a lookup returns the pledge with its conflict records, open and resolved.
        let byPledge = Dictionary(grouping: snapshot.conflicts, by: \.value.pledgeId)
        for (id, row) in snapshot.pledges {
            let records = (byPledge[id] ?? []).sorted { ($0.value.openedSeq, $0.key) < ($1.value.openedSeq, $1.key) }.compactMap(\.value.record)
            snapshot.pledges[id]?.state = PledgeState(id: id, fields: row.fields, conflicts: records)
        }
        snapshot.fingerprint = "\(digest.value)"
        return snapshot
    }

    /// A short recorded answer ("every field applied as sent at `appliedAt`") made whole from the
    /// change's entries in the change log at that sequence number: the values it applied or resolved.
    /// Fields the record names but the log lacks (or the reverse) are a finding.
    private static func wholeAnswer(_ changeId: String, appliedAt seq: Int, fields: [PledgeField], log: [LogRow],
                                    problems: inout [String]) -> ChangeResult? {
        var answered = FieldDictionary<VersionedValue>()
        for row in log where row.seq == seq && (row.kind == "applied" || row.kind == "resolution") {
            guard let field = PledgeField(rawValue: row.field), let value = row.value else { continue }
            answered[field] = VersionedValue(value: value, version: seq)
        }
        guard answered.keys == fields else {
            problems.append("received_change \(changeId): short answer names \(fields.map(\.rawValue)), the change log \(answered.keys.map(\.rawValue))")
            return nil
        }
        return ChangeResult(changeId: changeId, outcome: .applied, fields: answered)
    }

    /// Whether a delegation's scope holds a pledge: its own, or a joint pledge naming it.
    func inScope(_ pledgeId: String, of principal: Principal) -> Bool {
        guard let row = pledges[pledgeId] else { return false }
        switch principal {
        case .secretariat: return true
        case .delegation(let code): return row.state.pledge.scopeDelegations.contains(code)
        }
    }

    /// The open conflicts of a pledge (what a node keeps and lists).
    func openConflicts(of pledgeId: String) -> [ConflictRecord] {
        (pledges[pledgeId]?.state.conflicts ?? []).filter { $0.state == .open }
    }
}

/// FNV-1a, 64-bit: a stable digest (Swift's Hasher is seeded per process).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        value ^= 0xff
        value = value &* 0x100_0000_01b3
    }
}
