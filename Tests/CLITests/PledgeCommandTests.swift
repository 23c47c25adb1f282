import Foundation
import PledgeModel
import Testing

/// `pledge add` options for one pledge of each modality, all valid for KOR at Berlin 2025.
let oneOfEachModality: [(modality: String, options: [String])] = [
    ("UNIT", ["--area", "MEDICAL", "--title", "Level 2 hospital", "--unit-type", "LEVEL_2_HOSPITAL", "--unit-count", "1",
              "--personnel", "63", "--women", "12", "--mission", "UNMISS"]),
    ("INDIVIDUAL_PERSONNEL", ["--area", "WOMEN_PEACE_SECURITY", "--title", "Staff officers and military observers",
                              "--personnel", "20", "--women", "10", "--mission", "ANY"]),
    ("TRAINING", ["--area", "TRAINING", "--title", "Pre-deployment training courses", "--courses", "4", "--participants", "120",
                  "--partner", "GHA"]),
    ("EQUIPMENT", ["--area", "UNIFORMED_CAPABILITY", "--title", "Armoured personnel carriers, 12 units",
                   "--description", "Delivered with spare parts"]),
    ("FINANCIAL", ["--area", "ENVIRONMENT", "--title", "Contribution to the trust fund", "--amount", "1500000.00", "--currency", "USD"]),
    ("TECHNOLOGY", ["--area", "TECHNOLOGY", "--title", "Camp perimeter sensors", "--secondary-area", "SAFETY_SECURITY",
                    "--partner", "NOR", "--partner", "GHA"]),
    ("POLICY", ["--area", "CONDUCT_ACCOUNTABILITY", "--title", "Zero-tolerance vetting policy",
                "--from", "2025-06-01", "--until", "2026-05-31"]),
]

/// Adds one pledge of each modality to `db`, requiring each to print its id; returns the ids in order.
func addOneOfEachModality(_ workspace: Workspace, db: String) throws -> [String] {
    var ids: [String] = []
    for (modality, options) in oneOfEachModality {
        let result = try workspace.run(["add", "--db", db, "--ministerial", "BERLIN_2025", "--modality", modality] + options)
        try #require(result.status == 0, "add \(modality): \(result)")
        let printed = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(CanonicalUUID(printed)?.text == printed, "add \(modality) must print only the new id, printed \(printed)")
        ids.append(printed)
    }
    return ids
}

@Suite("pledge: a delegation's offline workflow")
struct WorkflowTests {
    @Test func initAddListShowEditWithdraw() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        let initResult = try workspace.run(["init", "--db", db, "--delegation", "KOR", "--device", "KOR-laptop"])
        #expect(initResult.status == 0, "\(initResult)")
        #expect(initResult.stdout.isEmpty, "init prints messages on stderr only")

        let ids = try addOneOfEachModality(workspace, db: db)
        #expect(Set(ids).count == 7)

        let listed = try workspace.records(db)
        #expect(listed.count == 7)
        #expect(listed.map(\.pledge.id) == ids)
        #expect(listed.compactMap { $0.pledge.text(.modality) } == oneOfEachModality.map(\.modality))
        #expect(listed.map { $0.pledge.text(.ref) ?? "" } == (1...7).map { "KOR-BER25-00\($0)" })
        #expect(listed.allSatisfy { $0.pledge.delegation == "KOR" && $0.pledge.status == .announced && !$0.isOnRegistry })
        let financial = try #require(listed.first { $0.pledge.text(.modality) == "FINANCIAL" })
        #expect(financial.pledge.text(.amount) == "1500000.00")
        #expect(financial.pledge.text(.currency) == "USD")
        let technology = try #require(listed.first { $0.pledge.text(.modality) == "TECHNOLOGY" })
        #expect(technology.pledge.list(.partners) == ["NOR", "GHA"])
        #expect(technology.pledge.list(.areas) == ["SAFETY_SECURITY"])

        // show, by id and by reference.
        let unitId = ids[0]
        let shown = try workspace.run(["show", unitId, "--db", db, "--json"])
        try #require(shown.status == 0, "\(shown)")
        let record = try JSONDecoder().decode(ListedRecord.self, from: shown.stdoutData)
        #expect(record.pledge == listed[0].pledge)
        #expect(record.pledge.integer(.personnel) == 63)
        #expect(record.pledge.text(.unitType) == "LEVEL_2_HOSPITAL")
        let byRef = try workspace.run(["show", "KOR-BER25-001", "--db", db, "--json"])
        #expect(try JSONDecoder().decode(ListedRecord.self, from: byRef.stdoutData).pledge.id == unitId)

        // edit
        let edit = try workspace.run(["edit", unitId, "--db", db, "--women", "30"])
        #expect(edit.status == 0, "\(edit)")
        let edited = try JSONDecoder().decode(ListedRecord.self, from: try workspace.run(["show", unitId, "--db", db, "--json"]).stdoutData)
        #expect(edited.pledge.integer(.women) == 30)
        #expect(edited.pledge.integer(.personnel) == 63)
        #expect(edited.pledge.title == "Level 2 hospital")

        // withdraw
        let policyId = ids[6]
        let withdraw = try workspace.run(["withdraw", policyId, "--db", db, "--reason", "Superseded by national law"])
        #expect(withdraw.status == 0, "\(withdraw)")
        let withdrawn = try JSONDecoder().decode(ListedRecord.self, from: try workspace.run(["show", policyId, "--db", db, "--json"]).stdoutData)
        #expect(withdrawn.pledge.status == .withdrawn)
        #expect(withdrawn.pledge.text(.withdrawalReason) == "Superseded by national law")
        #expect(try workspace.records(db).count == 7, "a withdrawn pledge is kept")
        let onlyWithdrawn = try workspace.run(["list", "--db", db, "--json", "--status", "WITHDRAWN"])
        #expect(try JSONDecoder().decode([ListedRecord].self, from: onlyWithdrawn.stdoutData).map(\.pledge.id) == [policyId])

        // Nothing was sent anywhere: every change still waits in the outbox, unsent.
        let status = try workspace.status(db)
        #expect(status.delegation == "KOR")
        #expect(status.pledges == 7)
        #expect(status.pendingChanges == 7)
        #expect(status.sentUnacknowledged == 0)
        #expect(status.lastSync == nil)
    }

    @Test func pledgeDBEnvironmentVariableChoosesTheStore() throws {
        let workspace = try Workspace()
        let db = workspace.path("from-env.sqlite")
        let environment = ["PLEDGE_DB": db]
        #expect(try workspace.run(["init", "--delegation", "GHA"], environment: environment).status == 0)
        let add = try workspace.run(["add", "--ministerial", "ACCRA_2023", "--area", "TRAINING", "--modality", "TRAINING",
                                     "--title", "Training of trainers"], environment: environment)
        #expect(add.status == 0, "\(add)")
        let listed = try workspace.records(db)
        #expect(listed.map(\.pledge.id) == [add.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(listed.first?.pledge.text(.ref) == "GHA-ACC23-001")
    }

    @Test func commandsOnAStoreThatWasNeverInitialisedFail() throws {
        let workspace = try Workspace()
        let db = workspace.path("missing.sqlite")
        let result = try workspace.run(["list", "--db", db, "--json"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("pledge init"))
        #expect(result.stdout.isEmpty)
    }
}

@Suite("pledge: invalid input exits 64, names the field and writes nothing")
struct InvalidInputTests {
    static let base = ["--ministerial", "BERLIN_2025", "--area", "MEDICAL", "--modality", "UNIT", "--title", "Level 2 hospital",
                       "--unit-type", "LEVEL_2_HOSPITAL", "--unit-count", "1"]
    static let financial = ["--ministerial", "BERLIN_2025", "--area", "ENVIRONMENT", "--modality", "FINANCIAL", "--title", "Trust fund"]

    static let cases: [(name: String, arguments: [String], field: String)] = [
        ("women over personnel", base + ["--personnel", "120", "--women", "130"], "women"),
        ("negative amount", financial + ["--amount", "-5", "--currency", "USD"], "amount"),
        ("float amount", financial + ["--amount", "1e6", "--currency", "USD"], "amount"),
        ("comma amount", financial + ["--amount", "12,5", "--currency", "USD"], "amount"),
        ("unknown currency", financial + ["--amount", "100.00", "--currency", "ZZZ"], "currency"),
        ("closed mission", base + ["--mission", "MINUSMA"], "missions"),
        ("until before from", base + ["--from", "2026-01-01", "--until", "2025-12-31"], "until"),
        ("201-character title", ["--ministerial", "BERLIN_2025", "--area", "MEDICAL", "--modality", "POLICY",
                                 "--title", String(repeating: "a", count: 201)], "title"),
        ("non-numeric personnel", base + ["--personnel", "many"], "personnel"),
        ("another delegation", base + ["--delegation", "GHA"], "delegation"),
    ]

    @Test(arguments: cases)
    func addRefusesInvalidInput(_ name: String, arguments: [String], field: String) throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        _ = try addOneOfEachModality(workspace, db: db)
        let before = try workspace.listJSON(db)
        let statusBefore = try workspace.status(db)

        let result = try workspace.run(["add", "--db", db] + arguments)
        #expect(result.status == 64, "\(name): \(result)")
        #expect(result.stderr.lowercased().contains(field.lowercased()), "\(name): stderr must name \(field): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(name): no id printed: \(result.stdout)")

        #expect(try workspace.listJSON(db) == before, "\(name): the store changed")
        #expect(try workspace.status(db).pendingChanges == statusBefore.pendingChanges)
    }

    @Test func womenOverPersonnelNamesBothNumbers() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        let result = try workspace.run(["add", "--db", db] + Self.base + ["--personnel", "120", "--women", "130"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("women (130) exceeds personnel (120)"), "\(result.stderr)")
        #expect(try workspace.records(db).isEmpty)
    }

    @Test func anInvalidEditExits64AndChangesNothing() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        let ids = try addOneOfEachModality(workspace, db: db)
        let before = try workspace.listJSON(db)

        let women = try workspace.run(["edit", ids[0], "--db", db, "--women", "64"])
        #expect(women.status == 64, "\(women)")
        #expect(women.stderr.contains("women"))
        let amount = try workspace.run(["edit", ids[4], "--db", db, "--amount", "1e6"])
        #expect(amount.status == 64, "\(amount)")
        #expect(amount.stderr.contains("amount"))
        let title = try workspace.run(["edit", ids[1], "--db", db, "--title", String(repeating: "é", count: 201)])
        #expect(title.status == 64, "\(title)")
        #expect(title.stderr.contains("title"))
        #expect(try workspace.listJSON(db) == before)
    }

    @Test func initRefusesAnUnknownDelegationAndCreatesNoStore() throws {
        let workspace = try Workspace()
        let db = workspace.path("xyz.sqlite")
        let result = try workspace.run(["init", "--db", db, "--delegation", "XYZ"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("delegation"), "\(result.stderr)")
        #expect(result.stderr.contains("XYZ"))
        #expect(!FileManager.default.fileExists(atPath: db))
        // The store really is not set up: commands on it say so.
        #expect(try workspace.run(["status", "--db", db, "--json"]).status != 0)
    }

    @Test func aSecretariatNodeRefusesAnUnknownDelegation() throws {
        let workspace = try Workspace()
        let db = workspace.path("secretariat.sqlite")
        try workspace.initStore(db, delegation: nil)
        let good = try workspace.run(["add", "--db", db, "--delegation", "GHA"] + Self.base)
        try #require(good.status == 0, "\(good)")
        let before = try workspace.listJSON(db)

        let result = try workspace.run(["add", "--db", db, "--delegation", "XYZ"] + Self.base)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("delegation"), "\(result.stderr)")
        #expect(result.stderr.contains("XYZ"))
        #expect(try workspace.listJSON(db) == before)
        #expect(try workspace.status(db).pledges == 1)
    }
}
