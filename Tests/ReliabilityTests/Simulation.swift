import Foundation
import GRDB
import PledgeModel
import PledgeStore
import SyncClient
import TestSupport

extension ChangeResult {
    /// The result without the registry's signature (signed per answer, not part of what is recorded).
    var withoutReceipt: ChangeResult {
        var copy = self
        copy.receipt = nil
        return copy
    }
}

/// A node of the simulation: a real SQLite store driven in-process, with its own registry token.
final class SimNode {
    let name: String
    let delegation: String?
    let store: NodeStore
    let token: String
    var url: String
    private let history: DatabaseQueue
    private var lastHistorySeq = 0

    var principal: Principal { delegation.map(Principal.delegation) ?? .secretariat }
    var path: String { store.path }

    init(name: String, delegation: String?, directory: TemporaryDirectory, registry: RegistryProcess, url: String) throws {
        self.name = name
        self.delegation = delegation
        self.url = url
        store = try NodeStore(path: directory.path("\(name).sqlite"))
        token = try registry.issueToken(delegation.map { ["--delegation", $0] } ?? ["--secretariat"], device: name)
        try store.initialize(NodeIdentity(delegation: delegation, device: name, registryURL: url, token: token))
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        history = try DatabaseQueue(path: store.path, configuration: configuration)
    }

    /// Rows added to `local_history` since the last call.
    func newHistory() throws -> [(seq: Int, pledgeId: String, changeId: String, field: String, value: String)] {
        let after = lastHistorySeq
        let rows = try history.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, pledge_id, change_id, field, new_value FROM local_history WHERE seq > ? ORDER BY seq", arguments: [after])
        }
        let mapped = rows.map { (seq: $0["seq"] as Int, pledgeId: $0["pledge_id"] as String, changeId: $0["change_id"] as String,
                                 field: $0["field"] as String, value: $0["new_value"] as String) }
        lastHistorySeq = mapped.last?.seq ?? lastHistorySeq
        return mapped
    }

    func outboxCount() throws -> Int {
        try history.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
    }

    func pledgeCount() throws -> Int {
        try history.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pledge") ?? 0 }
    }

    /// Pledges this node may edit: its delegation's own, or any for the Secretariat.
    func editable() throws -> [PledgeRecord] {
        try store.pledges().filter { delegation == nil || $0.pledge.delegation == delegation }
    }

    /// Ids of the pledges this node may edit, in the order the node lists them (cheap: no decoding).
    func editableIds() throws -> [String] {
        try history.read { db in
            if let delegation {
                return try String.fetchAll(db, sql: "SELECT id FROM pledge WHERE delegation = ? ORDER BY created_seq", arguments: [delegation])
            }
            return try String.fetchAll(db, sql: "SELECT id FROM pledge ORDER BY created_seq")
        }
    }

    /// Ids of pledges held, of another delegation than this node's.
    func foreignIds() throws -> [String] {
        try history.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM pledge WHERE delegation != ? ORDER BY created_seq", arguments: [delegation ?? ""])
        }
    }

    /// Pledges with edits in the outbox.
    func pendingPledgeIds() throws -> [String] {
        try history.read { try String.fetchAll($0, sql: "SELECT DISTINCT pledge_id FROM outbox ORDER BY pledge_id") }
    }

    func conflictCount() throws -> Int {
        try history.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM conflict") ?? 0 }
    }
}

/// What a simulation run injects besides random edits and syncs.
struct SimulationOptions {
    var label: String
    var steps: Int
    /// Steps between checkpoints (sync everything, check every invariant); 0: at the end only.
    var checkpointEvery = 0
    /// `pledge sync` subprocesses to SIGKILL mid-sync.
    var nodeCrashes = 0
    /// Registry SIGKILLs while a node is pushing.
    var registryCrashes = 0
    /// Faults for the proxy to inject (0: no proxy).
    var faults = 0
    /// Probability of a fault per request while faults are on.
    var faultProbability = 0.35
    /// Pledges beyond which creation becomes rare (keeps edits concentrated, so conflicts happen).
    var pledgeCap = 30
    /// A bound on wall time; the run stops stepping (and still checks) when it is reached.
    var maxSeconds: Double = 900
}

/// The seeded, randomized model-based test: delegations with several devices and a Secretariat node
/// make random edits and sync in random orders against one real registry; the model keeps every edit
/// ever made, and `checkpoint` proves the invariants of DESIGN section 4 against it.
final class Simulation {
    enum Op: String, CaseIterable {
        case sync, create, editText, editCounts, editLists, editStatus, withdraw, secretariat, resolve, contested
        case hostilePush, hostileReplay, forbiddenLocal, nodeCrash, registryCrash
    }

    let seed: UInt64
    let options: SimulationOptions
    private var random: SeededRandom
    let directory = TemporaryDirectory()
    let registry: RegistryProcess
    private(set) var nodes: [SimNode] = []
    let recorder = PushRecorder()
    let proxy: FaultProxy?
    private(set) var edits: [EditRecord] = []
    private var createdFor: [String: String] = [:]
    private var lastLocal: [String: [String: FieldDictionary<FieldValue>]] = [:]
    private var trail: [String] = []
    private(set) var violations: [String] = []
    private(set) var figures: [String: Int] = [:]
    private(set) var step = 0
    private var uniqueCounter = 0
    private var startupEstimate = 0.15
    private var syncDurationEstimate = 0.3
    private var fresh = 0
    /// A second Ghanaian device's token, never enrolled with a key: the hand-made hostile changes go
    /// through it, so they reach the registry's authorization rules rather than its signature check.
    private var rogueToken = ""

    init(seed: UInt64, options: SimulationOptions) throws {
        self.seed = seed
        self.options = options
        var random = SeededRandom(seed: seed)
        let proxyRandom = random.fork()
        registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        proxy = options.faults > 0 ? try FaultProxy(upstreamPort: Loopback.port(of: registry.url), random: proxyRandom) : nil
        self.random = random
        let url = proxy?.url ?? registry.url
        for (name, delegation) in [("KOR-1", "KOR"), ("KOR-2", "KOR"), ("GHA-1", "GHA"), ("SEC-1", nil)] as [(String, String?)] {
            nodes.append(try SimNode(name: name, delegation: delegation, directory: directory, registry: registry, url: url))
        }
        rogueToken = try registry.issueToken(["--delegation", "GHA"], device: "GHA-rogue")
        if options.nodeCrashes + options.registryCrashes > 0 {
            let started = Date()
            _ = try PledgeBinary.run(["status", "--db", nodes[0].path, "--json"])
            startupEstimate = max(0.03, Date().timeIntervalSince(started))
        }
    }

    deinit { proxy?.stop() }

    private func count(_ key: String, _ amount: Int = 1) { figures[key, default: 0] += amount }

    /// The first violation of each kind (the text before the first colon), with how many there were.
    static func summarize(_ violations: [String]) -> [String] {
        var order: [String] = []
        var byKind: [String: (first: String, count: Int)] = [:]
        for violation in violations {
            let body = violation.drop { $0 != ":" }.dropFirst()
            let kind = String(body.prefix { $0 != ":" && $0 != "(" }.prefix(60))
            if byKind[kind] == nil { order.append(kind); byKind[kind] = (violation, 0) }
            byKind[kind]!.count += 1
        }
        return order.prefix(25).map { "[\(byKind[$0]!.count)×] \(byKind[$0]!.first.prefix(700))" }
    }

    private func violate(_ message: String) {
        violations.append("step \(step): \(message)")
    }

    private func note(_ text: String) {
        trail.append("\(step): \(text)")
        if trail.count > 60 { trail.removeFirst(trail.count - 60) }
    }

    /// The last operations, for a failure message.
    var recentTrail: String { trail.suffix(40).joined(separator: "\n") }

    private var faultsActive: Bool { (proxy?.faultBudgetLeft ?? 0) > 0 }
    private var crashesLeft: (node: Int, registry: Int) {
        (options.nodeCrashes - figures["nodeCrashes", default: 0], options.registryCrashes - figures["registryCrashes", default: 0])
    }

    // MARK: Running

    /// Runs the schedule, then a final checkpoint. Returns the violations found (empty: every invariant held).
    @discardableResult
    func run() -> [String] {
        let deadline = Date().addingTimeInterval(options.maxSeconds)
        proxy?.enableFaults(probability: options.faultProbability, budget: options.faults)
        var attemptsWithoutProgress = 0
        while Date() < deadline {
            let budgetLeft = crashesLeft.node > 0 || crashesLeft.registry > 0 || faultsActive
            guard step < options.steps || (budgetLeft && attemptsWithoutProgress < options.steps * 20 + 2_000) else { break }
            if step >= options.steps { attemptsWithoutProgress += 1 }
            step += 1
            performRandomOperation()
            if options.checkpointEvery > 0, step % options.checkpointEvery == 0 { checkpoint(final: false) }
            if violations.count > 200 { break }
        }
        if Date() >= deadline { note("time limit reached"); count("stoppedByTimeLimit") }
        checkpoint(final: true)
        figures["steps"] = step
        figures["violations"] = violations.count
        if let proxy {
            figures["faultsInjected"] = proxy.injectedTotal
            figures["proxiedRequests"] = proxy.requests
            for (kind, number) in proxy.injectedByKind { figures["fault.\(kind)"] = number }
        }
        return violations
    }

    private func performRandomOperation() {
        let anyConflict = nodes.contains { ((try? $0.conflictCount()) ?? 0) > 0 }
        let pledgeCount = createdFor.count
        let crashing = options.nodeCrashes + options.registryCrashes > 0
        var weights: [(Op, Int)] = [
            (.sync, options.faults > 0 ? 30 : 20),
            (.create, pledgeCount < 4 ? 40 : pledgeCount < options.pledgeCap ? 8 : 1),
            (.editText, 14), (.editCounts, 7), (.editLists, 7), (.editStatus, 3), (.withdraw, 2),
            (.secretariat, 7), (.resolve, anyConflict ? 9 : 0), (.contested, 6),
            (.hostilePush, 2), (.hostileReplay, crashing || options.faults > 0 ? 0 : 1), (.forbiddenLocal, 2),
        ]
        if crashing {
            weights.append((.nodeCrash, crashesLeft.node > 0 ? 8 : 0))
            weights.append((.registryCrash, crashesLeft.registry > 0 ? 4 : 0))
        }
        let op = weights[random.weighted(weights.map(\.1))].0
        count("op.\(op.rawValue)")
        switch op {
        case .sync: _ = syncInProcess(random.pick(nodes), attempts: faultsActive ? random.int(2...4) : 1)
        case .create: create(on: random.pick(nodes))
        case .editText: editText(on: random.pick(nodes))
        case .editCounts: editCounts(on: random.pick(nodes))
        case .editLists: editLists(on: random.pick(nodes))
        case .editStatus: editStatus(on: random.pick(delegationNodes))
        case .withdraw: withdraw(on: random.pick(delegationNodes))
        case .secretariat: secretariatEdit()
        case .resolve: resolve(nodes.flatMap { node in ((try? node.store.conflicts()) ?? []).map { (node, $0) } })
        case .contested: contested()
        case .hostilePush: hostilePush()
        case .hostileReplay: hostileReplay()
        case .forbiddenLocal: forbiddenLocal()
        case .nodeCrash: crashNodeSync()
        case .registryCrash: crashRegistry()
        }
    }

    private var delegationNodes: [SimNode] { nodes.filter { $0.delegation != nil } }
    private var secretariatNode: SimNode { nodes.first { $0.delegation == nil }! }

    // MARK: Random values (valid by construction, whatever the concurrent edits)

    private static let fragments = [
        "Level 2 hospital", "formed police unit", "training", "for", "UNMISS", "l'été", "O'Brien", "\"quoted\"",
        "'; DROP TABLE pledge; --", "%_*", "\\", "../../etc/passwd", "<script>alert(1)</script>", "😀", "👩🏽‍⚕️",
        "한국", "中文", "العربية", "Ελληνικά", "é", "e\u{301}", "zero\u{200B}width", "tab\there", "line\nbreak",
        "&amp;", "NULL", "null", "0", "-1", "1e309", "{\"a\":1}", "[]", "\u{202E}rtl", "ß", "ﬁ", "$(rm -rf /)", "`id`",
    ]

    /// A unique, valid title (≤ 200 characters, not blank); uniqueness makes every edit traceable.
    private func text(maximum: Int = 200) -> String {
        uniqueCounter += 1
        var words = ["T\(uniqueCounter)"]
        for _ in 0..<random.int(0...5) { words.append(random.pick(Self.fragments)) }
        return String(words.joined(separator: " ").prefix(maximum))
    }

    private static let activeMissions = ["MINURSO", "MINUSCA", "MONUSCO", "UNDOF", "UNFICYP", "UNIFIL", "UNISFA", "UNMIK", "UNMISS", "UNMOGIP", "UNTSO"]

    private func missions() -> FieldValue {
        if random.chance(0.15) { return .list(["ANY"]) }
        if random.chance(0.1) { return .list([]) }
        return .list(random.sample(Self.activeMissions, upTo: random.int(1...3)))
    }

    private func partners(for delegation: String) -> FieldValue {
        let others = ["KOR", "GHA", "ORG-EU"].filter { $0 != delegation }
        return .list(random.chance(0.3) ? [] : random.sample(others, upTo: random.int(1...2)))
    }

    private func counts() -> FieldMap {
        [.personnel: .integer(random.int(100...500)), .women: .integer(random.int(0...100))]
    }

    private func dates() -> FieldMap {
        [.availableFrom: .text("2025-0\(random.int(1...6))-1\(random.int(0...9))"),
         .availableUntil: .text("2026-0\(random.int(1...9))-2\(random.int(0...8))")]
    }

    private func newPledge(delegation: String, explicit: Bool) -> FieldMap {
        let area = random.pick(PledgeArea.allCases)
        var fields: FieldMap = [
            .ministerial: .text(random.pick(["SEOUL_2021", "ACCRA_2023", "BERLIN_2025", "INTERSESSIONAL"])),
            .area: .text(area.rawValue), .title: .text(text()),
        ]
        if explicit { fields[.delegation] = .text(delegation) }
        switch random.below(4) {
        case 0:
            fields[.modality] = .text("UNIT")
            fields[.unitType] = .text(random.pick(["LEVEL_2_HOSPITAL", "UTILITY_HELICOPTER_UNIT", "QUICK_REACTION_FORCE", "FORMED_POLICE_UNIT"]))
            fields[.unitCount] = .integer(random.int(1...4))
            fields.merge(counts()) { $1 }
        case 1:
            fields[.modality] = .text("TRAINING")
            fields[.courses] = .integer(random.int(1...20))
            fields[.participants] = .integer(random.int(10...400))
        case 2:
            fields[.modality] = .text("FINANCIAL")
            fields[.amount] = .text("\(random.int(1...9_999_999)).\(random.int(10...99))")
            fields[.currency] = .text(random.pick(["USD", "EUR", "GBP", "KRW", "GHS"]))
        default:
            fields[.modality] = .text("POLICY")
        }
        if random.chance(0.3) { fields[.missions] = missions() }
        if random.chance(0.25) { fields[.partners] = partners(for: delegation) }
        if random.chance(0.3) { fields[.description] = .text(text(maximum: 5_000)) }
        if random.chance(0.2) { fields[.areas] = .list(random.sample(PledgeArea.allCases.filter { $0 != area }.map(\.rawValue), upTo: 2)) }
        if random.chance(0.2) { fields.merge(dates()) { $1 } }
        return fields
    }

    // MARK: Local edits and the model

    private func create(on node: SimNode) {
        let delegation = node.delegation ?? random.pick(["KOR", "GHA"])
        let fields = newPledge(delegation: delegation, explicit: node.delegation == nil)
        let id = random.uuid()
        do {
            try node.store.create(fields, id: id)
        } catch {
            violate("\(node.name) refused a valid new pledge: \(error)")
            return
        }
        createdFor[id] = delegation
        note("\(node.name) creates \(id.prefix(8)) for \(delegation)")
        recordLocalEdit(node, pledgeId: id, requested: fields)
    }

    private func pickEditable(_ node: SimNode) -> PledgeRecord? {
        guard let ids = try? node.editableIds(), !ids.isEmpty else { return nil }
        return try? node.store.pledge(random.pick(ids))
    }

    /// Makes an edit through the node's public API; a local refusal is counted, not recorded.
    @discardableResult
    private func edit(_ node: SimNode, _ pledgeId: String, _ changes: FieldMap, expectRefusal: Bool = false) -> Bool {
        note("\(node.name) edits \(pledgeId.prefix(8)): \(changes.keys.map(\.rawValue).sorted().joined(separator: ","))")
        do {
            try node.store.edit(pledgeId, setting: changes)
        } catch StoreError.forbidden(let reasons) {
            count("editsRefusedLocally")
            note("  refused locally: \(reasons.map(\.code))")
            return false
        } catch {
            violate("\(node.name) refused a valid edit of \(pledgeId) (\(changes)): \(error)")
            return false
        }
        if expectRefusal { violate("\(node.name) accepted a forbidden edit of \(pledgeId): \(changes)") }
        recordLocalEdit(node, pledgeId: pledgeId, requested: changes)
        return true
    }

    /// Brings the model up to date with the node's history and checks read-your-writes.
    private func recordLocalEdit(_ node: SimNode, pledgeId: String, requested: FieldMap) {
        do {
            for row in try node.newHistory() {
                guard let field = PledgeField(rawValue: row.field), let value = try? CanonicalJSON.decode(FieldValue.self, from: row.value) else {
                    violate("\(node.name): unreadable local_history row \(row.seq)"); continue
                }
                if row.pledgeId != pledgeId { violate("\(node.name): an edit of \(pledgeId) recorded history on \(row.pledgeId)") }
                if let asked = requested[field], !Self.same(asked, value) {
                    violate("\(node.name): asked \(field.rawValue)=\(asked) but history recorded \(value)")
                }
                edits.append(EditRecord(step: step, node: node.name, pledgeId: row.pledgeId, changeId: row.changeId, field: field,
                                        value: value, historySeq: row.seq))
                lastLocal[node.name, default: [:]][row.pledgeId, default: [:]][field] = value
            }
            let shown = try node.store.pledge(pledgeId).pledge
            for (field, value) in requested where !Self.same(shown[field], value) {
                violate("read-your-writes: after \(node.name) set \(field.rawValue)=\(value) on \(pledgeId), the node shows \(shown[field])")
            }
        } catch {
            violate("\(node.name): cannot read back the edit of \(pledgeId): \(error)")
        }
    }

    /// Equal, counting null and empty as the same (the store drops empty values).
    static func same(_ a: FieldValue, _ b: FieldValue) -> Bool { (a.isEmpty && b.isEmpty) || a == b }

    /// Pull never overwrites a pending edit: every unsynced field shows the node's last local value.
    private func checkPending(_ node: SimNode) {
        guard let ids = try? node.pendingPledgeIds() else { violate("\(node.name): cannot read its outbox"); return }
        for id in ids {
            guard let record = try? node.store.pledge(id) else { continue }  // a refused creation leaves no pledge
            for field in record.pendingFields {
                guard let mine = lastLocal[node.name]?[record.pledge.id]?[field] else {
                    violate("\(node.name) marks \(field.rawValue) of \(record.pledge.id) unsynced but never edited it"); continue
                }
                if !Self.same(mine, record.pledge[field]) {
                    violate("pending edit overwritten: \(node.name) set \(field.rawValue)=\(mine) on \(record.pledge.id) (unsynced) but shows \(record.pledge[field])")
                }
            }
        }
    }

    private func editText(on node: SimNode) {
        guard let record = pickEditable(node) else { return }
        if random.chance(0.6) {
            edit(node, record.pledge.id, [.title: .text(text())])
        } else {
            edit(node, record.pledge.id, [.description: random.chance(0.2) ? .null : .text(text(maximum: 5_000))])
        }
    }

    private func editCounts(on node: SimNode) {
        guard let record = pickEditable(node) else { return }
        if record.pledge.integer(.personnel) != nil, random.chance(0.4) {
            edit(node, record.pledge.id, [.women: .integer(random.int(0...100))])
        } else {
            edit(node, record.pledge.id, counts())
        }
    }

    private func editLists(on node: SimNode) {
        guard let record = pickEditable(node) else { return }
        let pledge = record.pledge
        switch random.below(4) {
        case 0: edit(node, pledge.id, [.missions: missions()])
        case 1:
            let primary = pledge.text(.area) ?? ""
            edit(node, pledge.id, [.areas: .list(random.sample(PledgeArea.allCases.map(\.rawValue).filter { $0 != primary }, upTo: random.int(0...2)))])
        case 2: edit(node, pledge.id, [.partners: partners(for: pledge.delegation)])
        default: edit(node, pledge.id, dates())
        }
    }

    private func editStatus(on node: SimNode) {
        guard let record = pickEditable(node) else { return }
        let next = record.pledge.status.allowedNext.intersection([.announced, .formallyNotified]).map(\.rawValue).sorted()
        guard !next.isEmpty else { return }
        edit(node, record.pledge.id, [.status: .text(random.pick(next))])
    }

    private func withdraw(on node: SimNode) {
        guard let record = pickEditable(node) else { return }
        var changes: FieldMap = [.status: .text("WITHDRAWN")]
        if random.chance(0.7) { changes[.withdrawalReason] = .text(text(maximum: 5_000)) }
        note("\(node.name) withdraws \(record.pledge.id.prefix(8))")
        edit(node, record.pledge.id, changes)
    }

    private func secretariatEdit() {
        let node = secretariatNode
        guard let record = pickEditable(node) else { return }
        let id = record.pledge.id
        switch random.below(6) {
        case 0: edit(node, id, [.pcrsLevel: .text(random.pick(PCRSLevel.allCases).rawValue)])
        case 1: edit(node, id, [.review: .text(random.pick(ReviewState.allCases).rawValue), .reviewNote: random.chance(0.3) ? .null : .text(text())])
        case 2: edit(node, id, [.registryRef: .text("PKM-2025-\(record.pledge.delegation)-\(random.int(100...999))")])
        case 3 where random.chance(0.4):
            // A move the Secretariat's view allows (WITHDRAWN is left to delegations; the exits end a pledge's life).
            let next = record.pledge.status.allowedNext.subtracting([.withdrawn]).map(\.rawValue).sorted()
            guard !next.isEmpty else { return }
            edit(node, id, [.status: .text(random.pick(next))])
        default: edit(node, id, [.title: .text(text())])
        }
    }

    /// Two nodes edit the same field of one pledge before either syncs: a conflict in the making.
    private func contested() {
        let first = nodes[random.below(2)]  // a Korean device
        guard let record = pickEditable(first) else { return }
        let id = record.pledge.id
        let others = nodes.filter { $0 !== first && ($0.delegation == nil || $0.delegation == record.pledge.delegation) }
        let second = others.filter { (try? $0.store.pledge(id)) != nil }
        guard !second.isEmpty else { return }
        let other = random.pick(second)
        let group = random.below(4)
        for node in [first, other] {
            switch group {
            case 0: edit(node, id, [.title: .text(text())])
            case 1: edit(node, id, [.description: .text(text())])
            case 2: edit(node, id, counts())
            default: edit(node, id, [.missions: missions()])
            }
        }
        count("contestedEdits")
    }

    private func resolve(_ all: [(SimNode, ConflictRecord)]) {
        let sorted = all.sorted { ($0.0.name, $0.1.pledgeId, $0.1.field.rawValue) < ($1.0.name, $1.1.pledgeId, $1.1.field.rawValue) }
        let (node, conflict) = random.pick(sorted)
        var take: Int?
        var value: String?
        var chosen: FieldValue
        if random.chance(0.3), let newValue = newResolutionValue(for: conflict.field) {
            value = newValue
            chosen = (try? FieldValue.parse(newValue, for: conflict.field)) ?? .null
        } else {
            let candidate = random.pick(conflict.candidates)
            take = candidate.number
            chosen = candidate.value
        }
        note("\(node.name) resolves \(conflict.id.prefix(8)) (\(conflict.field.rawValue) of \(conflict.pledgeId.prefix(8))) with \(chosen)")
        do {
            try node.store.resolve(conflict: conflict.id, taking: take, value: value)
        } catch StoreError.forbidden {
            count("resolutionsRefusedLocally")
            return
        } catch {
            violate("\(node.name) could not resolve conflict \(conflict.id): \(error)")
            return
        }
        count("resolutions")
        recordLocalEdit(node, pledgeId: conflict.pledgeId, requested: [conflict.field: chosen])
    }

    private func newResolutionValue(for field: PledgeField) -> String? {
        switch field {
        case .title, .description: return text()
        case .women: return String(random.int(0...100))
        case .personnel: return String(random.int(100...500))
        case .missions: return random.sample(Self.activeMissions, upTo: 2).joined(separator: ";")
        default: return nil
        }
    }

    // MARK: Hostile nodes

    /// Ghana's device sends hand-made changes that bypass its node's own checks; all must be refused.
    private func hostilePush() {
        let korean = createdFor.filter { $0.value == "KOR" }.keys.sorted()
        let ghanaian = createdFor.filter { $0.value == "GHA" }.keys.sorted()
        var changes: [Change] = []
        func change(_ pledgeId: String, _ fields: FieldMap, base: Int) -> Change {
            Change(changeId: random.uuid(), pledgeId: pledgeId, fields: fields, bases: fields.mapValues { _ in .version(base) },
                   device: "GHA-rogue", madeAt: "2025-05-13T09:30:00Z")
        }
        if !korean.isEmpty {
            let target = random.pick(korean)
            changes.append(change(target, [.title: .text("Hijacked \(text())")], base: random.int(0...5_000)))
            changes.append(change(target, [.status: .text("WITHDRAWN")], base: random.int(0...5_000)))
        }
        if !ghanaian.isEmpty {
            let own = random.pick(ghanaian)
            changes.append(change(own, [.pcrsLevel: .text("LEVEL_3")], base: random.int(0...5_000)))
            changes.append(change(own, [.review: .text("ACCEPTED"), .registryRef: .text("PKM-FAKE")], base: random.int(0...5_000)))
            // A status the pledge does not already have: re-sending the current value changes nothing and is accepted.
            let current = (try? RegistrySnapshot.load(path: registry.databasePath))?.pledges[own]?.fields[.status]?.value
            let forbidden = ["REGISTERED", "VERIFIED", "COMPLETED"].filter { FieldValue.text($0) != current }
            changes.append(change(own, [.status: .text(random.pick(forbidden))], base: random.int(0...5_000)))
            changes.append(change(own, [.delegation: .text("KOR")], base: random.int(0...5_000)))
        }
        var creation = newPledge(delegation: "KOR", explicit: true)
        creation[.status] = .text("ANNOUNCED")
        changes.append(change(random.uuid(), creation, base: 0))
        let body: Data
        do { body = try CanonicalJSON.encode(PushRequest(changes: changes)) } catch { return }
        recorder.recordBody(body, token: rogueToken)
        note("GHA-rogue sends \(changes.count) hostile change(s)")
        do {
            let reply = try CurlHTTP(base: registry.url).send("POST", "/v1/push", token: rogueToken, body: body)
            guard reply.status == 200 else { violate("a hostile push got HTTP \(reply.status)"); return }
            let results = try CanonicalJSON.decode(PushResponse.self, from: reply.body).results
            for result in results where result.outcome != .rejected {
                let fields = changes.first { $0.changeId == result.changeId }.map { $0.fields.map { "\($0.key.rawValue)=\($0.value.displayText)" }.sorted() } ?? []
                violate("authorization: the registry accepted Ghana's hand-made change \(result.changeId) (\(fields.joined(separator: ", "))): \(result.outcome)")
            }
            count("hostileChanges", changes.count)
        } catch {
            violate("a hostile push failed: \(error)")
        }
    }

    /// Ghana replays, with its own token, a push Korea already made: the recorded answer, no change.
    private func hostileReplay() {
        let sent = recorder.snapshot.bodies.filter { item in nodes.contains { $0.delegation == "KOR" && $0.token == item.token } }
        guard !sent.isEmpty else { return }
        let item = random.pick(sent)
        guard let request = try? CanonicalJSON.decode(PushRequest.self, from: item.body) else { return }
        var configuration = Configuration()
        configuration.readonly = true
        guard let reader = try? DatabaseQueue(path: registry.databasePath, configuration: configuration) else { return }
        let ids = request.changes.map(\.changeId)
        let known = (try? reader.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM received_change WHERE change_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                             arguments: StatementArguments(ids)) ?? 0
        }) ?? 0
        // Only bodies already received: a change the registry has not seen would be answered for Ghana.
        guard known == ids.count, let before = try? RegistrySnapshot.counts(path: registry.databasePath) else { return }
        note("GHA-rogue replays a Korean push of \(request.changes.count) change(s)")
        do {
            let reply = try CurlHTTP(base: registry.url).send("POST", "/v1/push", token: rogueToken, body: item.body)
            let after = try RegistrySnapshot.counts(path: registry.databasePath)
            if reply.status != 200 || after != before {
                violate("idempotence: Ghana's replay of a Korean push (HTTP \(reply.status)) changed the registry")
            }
            count("hostileReplays")
        } catch {
            violate("a replay failed: \(error)")
        }
    }

    /// A node must refuse, locally, what the registry would refuse: another delegation's pledge, Secretariat fields.
    private func forbiddenLocal() {
        let ghana = nodes.first { $0.delegation == "GHA" }!
        if let joint = try? ghana.foreignIds(), !joint.isEmpty {
            edit(ghana, random.pick(joint), [.title: .text("Ghana edits a partner's pledge")], expectRefusal: true)
            return
        }
        let korea = nodes[random.below(2)]
        guard let record = pickEditable(korea) else { return }
        let changes: FieldMap = random.chance(0.5) ? [.pcrsLevel: .text("LEVEL_2")] : [.status: .text("VERIFIED")]
        edit(korea, record.pledge.id, changes, expectRefusal: true)
    }

    // MARK: Syncing

    /// Push then pull to the end, in-process, through the recording transport (and the proxy, if any).
    @discardableResult
    private func syncInProcess(_ node: SimNode, attempts: Int) -> (ok: Bool, pushed: Int) {
        var engine = SyncEngine()
        engine.pushBatchSize = random.int(1...6)
        engine.pullPageSize = random.int(1...9)
        let client = RegistryClient(baseURL: node.url, token: node.token,
                                    transport: RecordingTransport(recorder: recorder, token: node.token),
                                    retry: RetryPolicy(attempts: attempts, baseDelay: 0.005, maximumDelay: 0.02))
        defer { checkPending(node) }
        let injectedBefore = proxy?.injectedTotal ?? 0
        do {
            let report = try engine.run(store: node.store, client: client)
            count("syncs")
            count("changesPushed", report.pushed)
            count("changesMergedWithConflicts", report.mergedWithConflicts)
            count("changesRejected", report.rejected)
            note("\(node.name) syncs: pushed \(report.pushed) (\(report.applied) applied, \(report.mergedWithConflicts) merged, \(report.rejected) rejected), pulled \(report.pulled)")
            return (true, report.pushed)
        } catch let error as RegistryClientError {
            if case .unreachable = error, (proxy?.injectedTotal ?? 0) > injectedBefore {
                count("syncsFailedUnderFaults")
                note("\(node.name) sync failed under faults: \(error)")
            } else {
                violate("sync of \(node.name) failed: \(error)")
            }
        } catch {
            violate("sync of \(node.name) failed: \(error)")
        }
        return (false, 0)
    }

    /// Seals the node's outbox in-process so the test knows every body a subprocess will send.
    private func sealAndRecord(_ node: SimNode) {
        guard let sealed = try? node.store.sealedChanges(limit: 1_000_000) else { violate("\(node.name): cannot seal its outbox"); return }
        for item in sealed {
            recorder.recordBody(Data(#"{"changes":["#.utf8) + item.body + Data("]}".utf8), token: node.token)
        }
    }

    private func startSubprocessSync(_ node: SimNode, attempts: Int) throws -> RunningPledge {
        try PledgeBinary.start(["sync", "--db", node.path, "--registry", registry.url, "--batch-size", "5", "--page-size", "5",
                                "--attempts", String(attempts)])
    }

    /// Watches a running `pledge sync` until `trigger` holds (or, without a trigger, for `delay` s),
    /// waits `extra` seconds more, then runs `strike` if the process is still running.
    /// Returns whether it struck while the sync ran, and how long the sync took if it ended first.
    private func watch(_ process: RunningPledge, delay: Double, extra: Double, trigger: (() -> Bool)?,
                       strike: () -> Void) -> (struck: Bool, finishedAfter: Double?) {
        let started = Date()
        while Date().timeIntervalSince(started) < (trigger == nil ? delay : 20) {
            if !process.process.isRunning { return (false, Date().timeIntervalSince(started)) }
            if let trigger, trigger() { break }
            usleep(1_000)
        }
        if extra > 0 { usleep(useconds_t(extra * 1_000_000)) }
        guard process.process.isRunning else { return (false, Date().timeIntervalSince(started)) }
        strike()
        return (true, nil)
    }

    /// A delay that lands, most of the time, inside a `pledge sync` (after the process has started).
    private func crashDelay() -> Double {
        let from = startupEstimate * 0.7
        return from + random.unit() * max(0.03, syncDurationEstimate * 1.1 - from)
    }

    private func learnDuration(_ seconds: Double?) {
        if let seconds { syncDurationEstimate = 0.5 * syncDurationEstimate + 0.5 * seconds }
    }

    /// Gives a node enough queued work that its push spans several batches of 5.
    private func ensureOutbox(_ node: SimNode, atLeast minimum: Int) {
        // Edits of distinct pledges (edits of one pledge coalesce into one change), then new pledges.
        let ids = random.sample((try? node.editableIds()) ?? [], upTo: minimum)
        for id in ids where ((try? node.outboxCount()) ?? 0) < minimum {
            edit(node, id, [.title: .text(text())])
        }
        var created = 0
        while ((try? node.outboxCount()) ?? 0) < minimum, created < minimum {
            created += 1
            create(on: node)
        }
    }

    /// Whether a `pledge sync` ended as the contract allows: done (0), conflicts waiting (3), or some
    /// change refused (1, with the refusal named; the checker then judges each refusal).
    static func syncEnded(_ outcome: PledgeBinary.Outcome) -> Bool {
        [0, 3].contains(outcome.status) || (outcome.status == 1 && outcome.stderr.contains("the registry refused"))
    }

    /// SIGKILLs a `pledge sync` in its push (once a first batch is acknowledged, or at a random
    /// moment), or a new Secretariat device in its first pull.
    private func crashNodeSync() {
        if random.chance(0.35) { return crashFirstPull() }
        let node = random.pick(nodes)
        if random.chance(0.75) { ensureOutbox(node, atLeast: random.int(8...20)) }
        sealAndRecord(node)
        let initial = (try? node.outboxCount()) ?? 0
        let triggered = initial > 5 && random.chance(0.75)
        let delay = crashDelay()
        guard let process = try? startSubprocessSync(node, attempts: 2) else { violate("cannot start pledge sync"); return }
        let (killed, finished) = watch(process, delay: delay, extra: triggered ? random.unit() * 0.02 : 0,
                                       trigger: triggered ? { ((try? node.outboxCount()) ?? 0) < initial } : nil,
                                       strike: { process.signal(SIGKILL); process.waitUntilExit() })
        if killed, process.outcome().status == 128 + SIGKILL {
            count("nodeCrashes")
            let pending = (try? node.outboxCount()) ?? 0
            count(pending > 0 ? "nodeCrashesDuringPush" : "nodeCrashesDuringPull")
            note("SIGKILL \(node.name)'s pledge sync (\(triggered ? "after a first batch" : "after \(String(format: "%.3f", delay)) s"), outbox \(initial) → \(pending))")
        } else {
            process.waitUntilExit()
            learnDuration(finished)
            let status = process.outcome().status
            note("\(node.name)'s pledge sync finished (exit \(status)) before the kill")
            if !Self.syncEnded(process.outcome()) { violate("pledge sync of \(node.name) exited \(status): \(process.outcome().stderr.suffix(400))") }
            count("nodeSyncsFinishedBeforeKill")
        }
        checkPending(node)
    }

    /// A new Secretariat device pulls everything in pages of 5 and is killed on the way (once a page
    /// is committed, or at a random moment); a second `pledge sync` must finish at the registry's state.
    private func crashFirstPull() {
        fresh += 1
        guard let node = try? SimNode(name: "pull-victim-\(fresh)", delegation: nil, directory: directory, registry: registry, url: registry.url) else {
            violate("cannot set up a new Secretariat device"); return
        }
        let triggered = random.chance(0.75)
        guard let process = try? startSubprocessSync(node, attempts: 2) else { violate("cannot start pledge sync"); return }
        let (killed, finished) = watch(process, delay: crashDelay(), extra: triggered ? random.unit() * 0.03 : 0,
                                       trigger: triggered ? { ((try? node.pledgeCount()) ?? 0) > 0 } : nil,
                                       strike: { process.signal(SIGKILL); process.waitUntilExit() })
        if killed, process.outcome().status == 128 + SIGKILL {
            count("nodeCrashes")
            count("nodeCrashesDuringPull")
            note("SIGKILL \(node.name)'s first pull with \((try? node.pledgeCount()) ?? 0) pledge(s) committed")
        } else {
            process.waitUntilExit()
            learnDuration(finished)
            count("nodeSyncsFinishedBeforeKill")
        }
        guard let resumed = try? PledgeBinary.run(["sync", "--db", node.path, "--registry", registry.url, "--page-size", "5"]),
              [0, 3].contains(resumed.status) else { violate("\(node.name) could not resume its pull"); return }
        guard let snapshot = try? RegistrySnapshot.load(path: registry.databasePath),
              let view = try? NodeView.load(name: node.name, principal: .secretariat, store: node.store) else {
            violate("cannot read \(node.name) or the registry"); return
        }
        let checker = InvariantChecker(registry: snapshot, bodies: [:])
        checker.checkConvergence([view])
        for problem in checker.violations { violate("after a killed first pull: \(problem)") }
    }

    /// SIGKILLs the registry while a node pushes (once a batch is in, or at a random moment),
    /// restarts it, and checks nothing acknowledged was lost.
    private func crashRegistry() {
        let node = random.pick(nodes)
        ensureOutbox(node, atLeast: random.int(10...25))
        sealAndRecord(node)
        var configuration = Configuration()
        configuration.readonly = true
        let registryReader = try? DatabaseQueue(path: registry.databasePath, configuration: configuration)
        func received() -> Int { (try? registryReader?.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM received_change") ?? 0 }) ?? 0 }
        let initial = received()
        let triggered = random.chance(0.75)
        guard let process = try? startSubprocessSync(node, attempts: 1) else { violate("cannot start pledge sync"); return }
        let (inFlight, finished) = watch(process, delay: crashDelay(), extra: triggered ? random.unit() * 0.01 : 0,
                                         trigger: triggered ? { received() > initial } : nil,
                                         strike: { registry.kill() })
        if !inFlight { registry.kill() }
        process.waitUntilExit()
        learnDuration(finished)
        let outcome = process.outcome()
        if inFlight {
            count("registryCrashes")
            note("SIGKILL the registry during \(node.name)'s push (\(triggered ? "after a batch was applied" : "at a random moment"); sync exit \(outcome.status))")
        } else {
            count("registryKillsAfterSync")
            note("registry killed after \(node.name)'s sync ended (exit \(outcome.status))")
        }
        if !Self.syncEnded(outcome), outcome.status != 4 { violate("pledge sync of \(node.name) exited \(outcome.status) when the registry died: \(outcome.stderr.suffix(400))") }
        do {
            try registry.start()
        } catch {
            violate("the registry did not restart after a crash: \(error)")
            return
        }
        for node in nodes { node.url = registry.url }
        // Invariant 4 right after the restart: every change a node saw acknowledged survived.
        if let snapshot = try? RegistrySnapshot.load(path: registry.databasePath) {
            let checker = InvariantChecker(registry: snapshot, bodies: [:])
            checker.checkAcknowledgedKept(nodes.compactMap { try? NodeView.load(name: $0.name, principal: $0.principal, store: $0.store) })
            for problem in checker.violations { violate(problem) }
        } else {
            violate("the registry database cannot be read after a crash")
        }
        checkPending(node)
    }

    // MARK: Checkpoints

    /// Stops the faults, syncs every node until a round pushes nothing, then checks every invariant.
    func checkpoint(final: Bool) {
        let budget = proxy?.faultBudgetLeft ?? 0
        proxy?.disableFaults()
        note(final ? "final checkpoint" : "checkpoint")
        var quiet = false
        for _ in 0..<8 {
            var pushed = 0
            for node in nodes {
                let (ok, count) = syncInProcess(node, attempts: 3)
                if !ok { violate("\(node.name) could not sync at the checkpoint") }
                pushed += count
            }
            if pushed == 0 { quiet = true; break }
        }
        if !quiet { violate("the nodes did not become quiet within 8 rounds of syncs") }
        count("checkpoints")
        check(final: final)
        if !final, budget > 0 { proxy?.enableFaults(probability: options.faultProbability, budget: budget) }
    }

    private func check(final: Bool) {
        guard let snapshot = try? RegistrySnapshot.load(path: registry.databasePath) else {
            violate("cannot read the registry database"); return
        }
        let recorded = recorder.snapshot
        let checker = InvariantChecker(registry: snapshot, bodies: recorded.changes)
        var views: [NodeView] = []
        for node in nodes {
            do { views.append(try NodeView.load(name: node.name, principal: node.principal, store: node.store)) } catch {
                violate("cannot read \(node.name): \(error)")
            }
        }
        checker.checkRegistryConsistency()
        checker.checkAuthorization(createdBy: createdFor)
        checker.checkConvergence(views)
        checker.checkAcknowledgedKept(views)
        checker.checkNoLostEdit(edits, nodes: views)
        // The registry's answer for each change, as its node first received it, is the recorded one.
        for (changeId, result) in recorded.results {
            if let stored = snapshot.received[changeId]?.result, stored.withoutReceipt != result.withoutReceipt {
                checker.violate("the registry's recorded answer for \(changeId) differs from the one first sent")
            }
        }
        if final {
            freshNodesConverge(snapshot, checker)
            lookupsMatch(snapshot, checker)
            replayEverything(snapshot, checker)
        }
        for problem in checker.violations { violate(problem) }
        for (key, value) in checker.figures where final { figures[key] = value }
    }

    /// A new Secretariat node and a new Korean node pull from scratch, in small pages, to the registry's state.
    private func freshNodesConverge(_ snapshot: RegistrySnapshot, _ checker: InvariantChecker) {
        for delegation in [nil, "KOR"] as [String?] {
            fresh += 1
            do {
                let node = try SimNode(name: "fresh-\(delegation ?? "SEC")-\(fresh)", delegation: delegation, directory: directory,
                                       registry: registry, url: registry.url)
                var engine = SyncEngine()
                engine.pullPageSize = random.int(1...7)
                _ = try engine.run(store: node.store, client: RegistryClient(baseURL: registry.url, token: node.token, transport: CurlTransport(),
                                                                             retry: RetryPolicy(attempts: 1)))
                let view = try NodeView.load(name: node.name, principal: node.principal, store: node.store)
                checker.checkConvergence([view])
            } catch {
                checker.violate("a fresh node could not pull: \(error)")
            }
        }
    }

    /// `GET /v1/pledges/{id}` answers what the database holds; out of scope is 404.
    private func lookupsMatch(_ snapshot: RegistrySnapshot, _ checker: InvariantChecker) {
        let http = CurlHTTP(base: registry.url)
        let secretariat = secretariatNode.token
        let ghana = nodes.first { $0.delegation == "GHA" }!.token
        for id in snapshot.pledges.keys.sorted().prefix(25) {
            guard let expected = snapshot.pledges[id]?.state else { continue }
            do {
                let reply = try http.send("GET", "/v1/pledges/\(id)", token: secretariat)
                let state = try CanonicalJSON.decode(PledgeState.self, from: reply.body)
                if state != expected { checker.violate("GET /v1/pledges/\(id) differs from the registry's database") }
                if !snapshot.inScope(id, of: .delegation("GHA")) {
                    let hidden = try http.send("GET", "/v1/pledges/\(id)", token: ghana)
                    if hidden.status != 403, hidden.status != 404 { checker.violate("Ghana can read pledge \(id) outside its scope (HTTP \(hidden.status))") }
                }
            } catch {
                checker.violate("GET /v1/pledges/\(id) failed: \(error)")
            }
        }
    }

    /// Invariant 3: every push body ever sent, replayed (some several times), changes nothing and gets the recorded answers.
    private func replayEverything(_ snapshot: RegistrySnapshot, _ checker: InvariantChecker) {
        let http = CurlHTTP(base: registry.url)
        let bodies = recorder.snapshot.bodies
        var replays = 0
        for (index, item) in bodies.enumerated() {
            let times = index % 7 == 0 ? 3 : 1
            for _ in 0..<times {
                do {
                    let reply = try http.send("POST", "/v1/push", token: item.token, body: item.body)
                    guard reply.status == 200 else { checker.violate("replay answered HTTP \(reply.status)"); continue }
                    for result in try CanonicalJSON.decode(PushResponse.self, from: reply.body).results {
                        if let stored = snapshot.received[result.changeId]?.result {
                            if stored.withoutReceipt != result.withoutReceipt {
                                checker.violate("idempotence: a replay of \(result.changeId) answered \(result.outcome), the record says \(stored.outcome)")
                            }
                        } else if result.outcome != .rejected {
                            // Unrecorded means refused the first time; a replay must not apply it now.
                            checker.violate("idempotence: a replay of once-refused change \(result.changeId) was \(result.outcome) this time")
                        }
                    }
                    replays += 1
                } catch {
                    checker.violate("replay failed: \(error)")
                }
            }
        }
        count("replayedBodies", replays)
        count("replayedChanges", recorder.snapshot.changes.count)
        if let after = try? RegistrySnapshot.load(path: registry.databasePath) {
            if after.fingerprint != snapshot.fingerprint {
                checker.violate("idempotence: replaying every push changed the registry (change_log \(snapshot.log.count) → \(after.log.count), received \(snapshot.received.count) → \(after.received.count))")
            }
        }
    }

    /// A one-paragraph summary for failure messages; with `PLEDGE_KEEP_FAILED=DIR`, the databases are kept there.
    func failureReport(_ name: String) -> String {
        if !violations.isEmpty, let keep = ReliabilitySettings.environment["PLEDGE_KEEP_FAILED"], !keep.isEmpty {
            let target = URL(fileURLWithPath: keep).appendingPathComponent("seed-\(seed)")
            try? FileManager.default.removeItem(at: target)
            try? FileManager.default.copyItem(at: directory.url, to: target)
            try? violations.joined(separator: "\n").write(to: target.appendingPathComponent("violations.txt"), atomically: true, encoding: .utf8)
            try? trail.joined(separator: "\n").write(to: target.appendingPathComponent("trail.txt"), atomically: true, encoding: .utf8)
        }
        return """
        seed=\(seed) (\(name), \(options.label)); replay with PLEDGE_RANDOM_SEED=\(seed) swift test --filter ReliabilityTests
        \(violations.count) violation(s); first ones:
        \(Self.summarize(violations).joined(separator: "\n"))
        last operations:
        \(recentTrail)
        """
    }
}
