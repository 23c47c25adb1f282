import Foundation
import GRDB
import PledgeModel
import PledgeStore

/// One field value a person set on a node, as the node's append-only `local_history` recorded it.
struct EditRecord {
    var step: Int
    var node: String
    var pledgeId: String
    var changeId: String
    var field: PledgeField
    var value: FieldValue
    var historySeq: Int
}

/// What a node holds, read through its public API and (for the outbox and history) its file.
struct NodeView {
    var name: String
    var principal: Principal
    var records: [PledgeRecord]
    var conflicts: [ConflictRecord]
    var outboxChangeIds: Set<String>
    var historyChangeIds: Set<String>
    /// Changes the registry refused, with the reason codes the node keeps for its user.
    var rejected: [String: [String]]

    static func load(name: String, principal: Principal, store: NodeStore) throws -> NodeView {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: store.path, configuration: configuration)
        let (outbox, history, rejectedRows) = try queue.read { db in
            (Set(try String.fetchAll(db, sql: "SELECT change_id FROM outbox")),
             Set(try String.fetchAll(db, sql: "SELECT DISTINCT change_id FROM local_history")),
             try Row.fetchAll(db, sql: "SELECT change_id, reasons FROM rejected_change"))
        }
        var rejected: [String: [String]] = [:]
        for row in rejectedRows {
            let reasons = (try? CanonicalJSON.decode([Rejection].self, from: row["reasons"] as String)) ?? []
            rejected[row["change_id"]] = reasons.map(\.code)
        }
        return NodeView(name: name, principal: principal, records: try store.pledges(), conflicts: try store.conflicts(),
                        outboxChangeIds: outbox, historyChangeIds: history, rejected: rejected)
    }
}

/// Checks the five invariants of DESIGN section 4 against the registry's database and the nodes.
///
/// Every check appends a sentence to `violations`; `figures` counts how each edit was accounted for.
final class InvariantChecker {
    let registry: RegistrySnapshot
    /// Every change whose body is known (sent by an in-process node, or sealed before a subprocess sent it).
    let bodies: [String: Change]
    private(set) var violations: [String] = []
    private(set) var figures: [String: Int] = [:]
    /// Codes an honest node may see when a concurrent edit changed what it is allowed to do
    /// (e.g. it set FORMALLY_NOTIFIED while another device withdrew the pledge).
    static let concurrencyRejections: Set<String> = ["forbidden-transition"]

    /// Log kinds that set a field's value (the others record conflict candidates).
    static func setsState(_ kind: String) -> Bool { ["applied", "resolution", "derived"].contains(kind) }

    /// Fields the registry itself may derive, with the values it may give them (nil: any).
    static let derivable: [PledgeField: Set<String>?] = [.review: ["SUBMITTED"], .registryRef: nil]

    init(registry: RegistrySnapshot, bodies: [String: Change]) {
        self.registry = registry
        self.bodies = bodies
        for problem in registry.decodeProblems { violate("registry data: \(problem)") }
    }

    func violate(_ message: String) { violations.append(message) }
    private func count(_ key: String, _ amount: Int = 1) { figures[key, default: 0] += amount }

    private lazy var logByPledgeField: [String: [RegistrySnapshot.LogRow]] = {
        Dictionary(grouping: registry.log, by: { "\($0.pledgeId)|\($0.field)" })
    }()

    // MARK: Registry consistency and duplicates

    /// The pledge table, the change log, the recorded answers and conflicts tell one story, and no change was applied twice.
    func checkRegistryConsistency() {
        var seen: Set<String> = []
        for row in registry.log {
            let key = "\(row.changeId)|\(row.field)"
            if !seen.insert(key).inserted { violate("duplicate: change \(row.changeId) field \(row.field) appears twice in change_log") }
            guard let received = registry.received[row.changeId] else {
                violate("change_log row \(row.id) names change \(row.changeId), which received_change does not hold")
                continue
            }
            if received.result?.outcome == .rejected {
                violate("write from rejected input: change \(row.changeId) was rejected but change_log row \(row.id) exists")
            }
        }
        // Every field of an accepted change is answered (a later change based on it reads that answer).
        for (changeId, received) in registry.received {
            guard let result = received.result, result.outcome != .rejected else { continue }
            if let body = bodies[changeId] {
                let expected = Set(body.fields.keys.map(\.rawValue))
                let recorded = Set(registry.changeFields[changeId]?.keys.map { $0 } ?? [])
                if expected != recorded {
                    violate("change \(changeId): the answer covers \(recorded.sorted()) but the change set \(expected.sorted())")
                }
            }
            for conflictId in result.conflicts where registry.conflicts[conflictId] == nil {
                violate("change \(changeId) names conflict \(conflictId), which the registry does not hold")
            }
        }
        for (id, pledge) in registry.pledges {
            for (field, versioned) in pledge.fields {
                let history = (logByPledgeField["\(id)|\(field.rawValue)"] ?? []).filter { Self.setsState($0.kind) }
                guard let last = history.max(by: { $0.id < $1.id }) else {
                    violate("pledge \(id) field \(field.rawValue) has version \(versioned.version) but no applied entry in change_log"); continue
                }
                if last.seq != versioned.version || last.value != versioned.value {
                    violate("pledge \(id) field \(field.rawValue): state is \(versioned.value) v\(versioned.version) but the last applied log entry is \(String(describing: last.value)) v\(last.seq)")
                }
            }
            let maxSeq = registry.log.lazy.filter { $0.pledgeId == id }.map(\.seq).max() ?? 0
            if pledge.updatedSeq < maxSeq { violate("pledge \(id): updated_seq \(pledge.updatedSeq) is behind its change log (\(maxSeq)); pulls would miss it") }
            if pledge.state.pledge.delegation != pledge.delegation {
                violate("pledge \(id): delegation column \(pledge.delegation) differs from its field \(pledge.state.pledge.delegation)")
            }
            let report = PledgeValidator.validate(pledge.state.pledge)
            if !report.isValid { violate("pledge \(id) on the registry is invalid: \(report.errors.map(\.message))") }
        }
        // Each partner row also carries its pledge's sequence: a partner's pull pages by that copy.
        let expectedPartners = Set(registry.pledges.flatMap { id, row in row.state.pledge.list(.partners).map { [$0, id, String(row.updatedSeq)] } })
        if expectedPartners != registry.partnerRows {
            violate("pledge_partner (\(registry.partnerRows.count) rows) disagrees with the pledges' partners and sequences (\(expectedPartners.count))")
        }
        let maxLogSeq = registry.log.map(\.seq).max() ?? 0
        if registry.seq < maxLogSeq { violate("registry seq \(registry.seq) is behind the change log (\(maxLogSeq))") }
        for (id, conflict) in registry.conflicts {
            guard let record = conflict.record else { continue }
            if record.id != id || record.state.rawValue != conflict.state || record.pledgeId != conflict.pledgeId || record.field.rawValue != conflict.field {
                violate("conflict \(id): the record disagrees with its row")
            }
            if Set(record.candidates.map(\.value)).count != record.candidates.count { violate("conflict \(id) lists a value twice") }
            if record.state == .open, registry.pledges[record.pledgeId] == nil { violate("conflict \(id) is open on an unknown pledge") }
        }
        count("changeLogRows", registry.log.count)
        count("receivedChanges", registry.received.count)
        count("conflicts", registry.conflicts.count)
    }

    // MARK: Authorization (invariant 5)

    /// Nothing a delegation sent changed another delegation's pledge or a Secretariat-owned field.
    func checkAuthorization(createdBy delegations: [String: String]) {
        let firstSeq = Dictionary(grouping: registry.log, by: \.pledgeId).mapValues { $0.map(\.seq).min() ?? 0 }
        for row in registry.log where row.principal != "SECRETARIAT" {
            guard let field = PledgeField(rawValue: row.field) else { violate("change_log row \(row.id) names unknown field \(row.field)"); continue }
            if row.principal == "REGISTRY" || row.kind == "derived" {
                let allowed = Self.derivable[field]
                if row.principal != "REGISTRY" || row.kind != "derived" || allowed == nil {
                    violate("authorization: \(row.actor) wrote \(row.field) as \(row.kind) of pledge \(row.pledgeId)")
                } else if let values = allowed!, case .text(let text)? = row.value, !values.contains(text) {
                    violate("authorization: the registry derived \(row.field)=\(text) on pledge \(row.pledgeId)")
                }
                continue
            }
            let owner = registry.pledges[row.pledgeId]?.delegation ?? "?"
            if owner != row.principal {
                violate("authorization: \(row.actor) wrote \(row.field) (\(row.kind)) of pledge \(row.pledgeId), which belongs to \(owner)")
            }
            if field.owner == .secretariat { violate("authorization: \(row.actor) wrote Secretariat-owned \(row.field) of pledge \(row.pledgeId)") }
            if field == .status, case .text(let raw)? = row.value, let status = PledgeStatus(rawValue: raw),
               !PledgeStatus.delegationSettable.contains(status) {
                // Resolving a conflict by keeping the status the Secretariat set changes nothing; setting one does.
                let previous = (logByPledgeField["\(row.pledgeId)|status"] ?? []).filter { Self.setsState($0.kind) && $0.id < row.id }.max { $0.id < $1.id }
                if row.kind == "resolution", previous?.value == row.value {
                    count("delegationResolutionsKeepingSecretariatStatus")
                } else {
                    violate("authorization: \(row.actor) set status \(raw) of pledge \(row.pledgeId) (\(row.kind))")
                }
            }
            if field == .delegation, row.seq != firstSeq[row.pledgeId] {
                violate("authorization: \(row.actor) changed the fixed delegation of pledge \(row.pledgeId)")
            }
        }
        for (id, delegation) in delegations {
            if let row = registry.pledges[id], row.delegation != delegation {
                violate("pledge \(id) was created for \(delegation) but the registry has it under \(row.delegation)")
            }
        }
    }

    // MARK: Convergence (invariant 1)

    /// Every node, synced with no new edits, shows exactly the registry's state of every pledge in its scope.
    func checkConvergence(_ nodes: [NodeView]) {
        for node in nodes {
            if !node.outboxChangeIds.isEmpty { violate("\(node.name): \(node.outboxChangeIds.count) change(s) still in the outbox after the final syncs") }
            let byId = Dictionary(node.records.map { ($0.pledge.id, $0) }, uniquingKeysWith: { first, _ in first })
            if byId.count != node.records.count { violate("\(node.name): a pledge appears twice in the node's list") }
            let inScope = registry.pledges.keys.filter { registry.inScope($0, of: node.principal) }
            for id in inScope.sorted() {
                guard let record = byId[id] else { violate("convergence: \(node.name) lacks pledge \(id) of its scope"); continue }
                let state = registry.pledges[id]!.state
                if record.pledge != state.pledge {
                    let differing = PledgeField.allCases.filter { record.pledge[$0] != state.pledge[$0] }
                    violate("convergence: \(node.name) shows pledge \(id) with \(differing.map { "\($0.rawValue)=\(record.pledge[$0]) (registry \(state.pledge[$0]))" }.joined(separator: ", "))")
                }
                let versions = state.fields.mapValues(\.version)
                if record.versions != versions { violate("convergence: \(node.name) holds other versions of pledge \(id): \(record.versions) vs \(versions)") }
                if !record.pendingFields.isEmpty { violate("convergence: \(node.name) still marks \(record.pendingFields) of pledge \(id) unsynced") }
                let open = registry.openConflicts(of: id)
                if Set(record.conflicts) != Set(open) {
                    violate("convergence: \(node.name) shows conflicts \(record.conflicts.map(\.id)) on pledge \(id), the registry has open \(open.map(\.id))")
                }
                count("convergedPledgeViews")
            }
            // A joint pledge that stopped naming the node's delegation left its scope: the pull said
            // so and the node dropped its copy (it may keep one only while its own changes wait).
            let stale = Set(byId.keys).subtracting(inScope)
            for id in stale.sorted() {
                if registry.pledges[id] == nil { violate("convergence: \(node.name) shows pledge \(id), which the registry does not have") }
                else { violate("convergence: \(node.name) still shows pledge \(id), which left its scope") }
            }
            let expectedConflicts = Set(inScope.flatMap { registry.openConflicts(of: $0).map(\.id) })
            let shownConflicts = Set(node.conflicts.filter { registry.inScope($0.pledgeId, of: node.principal) }.map(\.id))
            if shownConflicts != expectedConflicts {
                violate("convergence: \(node.name) lists open conflicts \(shownConflicts.sorted()), the registry \(expectedConflicts.sorted())")
            }
        }
    }

    // MARK: Acknowledged changes (invariant 4)

    /// Every change a node has seen acknowledged (gone from its outbox, not refused) is on the registry.
    func checkAcknowledgedKept(_ nodes: [NodeView]) {
        for node in nodes {
            let refused = Set(node.rejected.keys)
            for changeId in node.historyChangeIds.subtracting(node.outboxChangeIds).subtracting(refused) where registry.received[changeId] == nil {
                violate("acknowledged change lost: \(node.name) removed \(changeId) from its outbox but the registry has no record of it")
            }
        }
    }

    // MARK: No lost edit (invariant 2)

    /// Every edit is the registry's value, replaced by an edit made with knowledge of it, a conflict
    /// candidate, or (for a rule broken by a concurrent edit) rejected with its reasons kept on the node.
    func checkNoLostEdit(_ edits: [EditRecord], nodes: [NodeView]) {
        let rejectedOnNode = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.rejected) })
        // Among edits of one field in one (coalesced) change, only the last was sent; the others were
        // replaced on the same node by their author.
        var finals: [String: EditRecord] = [:]
        for edit in edits {
            let key = "\(edit.node)|\(edit.changeId)|\(edit.field.rawValue)"
            if let previous = finals[key], previous.historySeq > edit.historySeq { continue }
            if finals[key] != nil { count("editsSupersededLocally") }
            finals[key] = edit
        }
        count("editsMade", edits.count)
        for edit in finals.values.sorted(by: { ($0.step, $0.historySeq) < ($1.step, $1.historySeq) }) {
            let label = "edit of \(edit.field.rawValue)=\(edit.value) on pledge \(edit.pledgeId) by \(edit.node) at step \(edit.step) (change \(edit.changeId))"
            // A refusal: the registry may or may not keep a record of it, the node must (with its reasons).
            let registryRefusal = registry.received[edit.changeId]?.result.flatMap { $0.outcome == .rejected ? $0.reasons.map(\.code) : nil }
            let nodeRefusal = rejectedOnNode[edit.node]?[edit.changeId]
            if registryRefusal != nil || (registry.received[edit.changeId] == nil && nodeRefusal != nil) {
                let codes = Set(nodeRefusal ?? registryRefusal ?? [])
                let body = bodies[edit.changeId]
                if !codes.isEmpty, codes.isSubset(of: Self.concurrencyRejections), body == nil || body?.fields[.status] != nil {
                    count("editsRejectedAfterConcurrentStatusChange")
                } else {
                    violate("unexpected rejection of \(label): \(codes.sorted())")
                }
                if nodeRefusal == nil { violate("\(edit.node) does not keep the rejection of change \(edit.changeId)") }
                continue
            }
            guard registry.received[edit.changeId]?.result != nil else {
                violate("lost edit: \(label) never reached the registry"); continue
            }
            guard let applied = registry.changeFields[edit.changeId]?[edit.field.rawValue] else {
                violate("lost edit: \(label) was accepted but its answer has no entry for the field"); continue
            }
            if let conflictId = applied.conflictId {
                if registry.conflicts[conflictId]?.record?.candidates.contains(where: { $0.value == edit.value }) == true {
                    count("editsKeptAsConflictCandidates")
                } else {
                    violate("lost edit: \(label) joined conflict \(conflictId), which does not list it as a candidate")
                }
                continue
            }
            let produced = applied.version ?? 0
            let current = registry.pledges[edit.pledgeId]?.fields[edit.field] ?? VersionedValue(value: .null, version: 0)
            if current.value == edit.value {
                count("editsAreRegistryValue"); continue
            }
            let later = (logByPledgeField["\(edit.pledgeId)|\(edit.field.rawValue)"] ?? [])
                .filter { Self.setsState($0.kind) && $0.seq > produced }
                .sorted { $0.id < $1.id }
            guard let replacement = later.first else {
                violate("lost edit: \(label) produced v\(produced) but the registry shows \(current.value) v\(current.version) with no later entry"); continue
            }
            if replacement.kind == "derived" {
                // A rule of the registry's own (e.g. review back to SUBMITTED), applied to the state it replaces.
                count("editsReplacedByRegistryRule"); continue
            }
            if let known = knowledge(of: replacement.changeId, field: edit.field) {
                if known >= produced { count("editsReplacedKnowingly"); continue }
            } else if replacement.kind == "applied" {
                // Body unknown: an ordinary application requires base == current version, so it saw v`produced`.
                count("editsReplacedKnowingly"); continue
            }
            if isCandidate(edit.value, pledgeId: edit.pledgeId, field: edit.field) {
                count("editsKeptAsConflictCandidates"); continue
            }
            let known = knowledge(of: replacement.changeId, field: edit.field).map { "v\($0)" } ?? "unknown"
            violate("lost edit: \(label) produced v\(produced); \(replacement.kind) \(replacement.changeId) by \(replacement.actor) replaced it with \(String(describing: replacement.value)) knowing only \(known), and no conflict lists it")
        }
    }

    /// The registry version a change's author had seen of `field` (its base, read through earlier changes).
    func knowledge(of changeId: String, field: PledgeField, depth: Int = 0) -> Int? {
        guard depth < 50, let base = bodies[changeId]?.bases[field] else { return nil }
        switch base {
        case .version(let version): return version
        case .change(let earlier):
            if let version = registry.changeFields[earlier]?[field.rawValue]?.version { return version }
            return knowledge(of: earlier, field: field, depth: depth + 1)
        }
    }

    private func isCandidate(_ value: FieldValue, pledgeId: String, field: PledgeField) -> Bool {
        registry.conflicts.values.contains { row in
            row.pledgeId == pledgeId && row.field == field.rawValue && row.record?.candidates.contains { $0.value == value } == true
        }
    }
}
