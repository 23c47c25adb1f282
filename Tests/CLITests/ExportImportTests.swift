import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PledgeModel
import Testing

/// A CSV header and `count` valid UNIT pledge rows for KOR (no ids: import mints them).
func unitCSV(count: Int, withRefs: Bool = false, rowOverride: (Int) -> String? = { _ in nil }) -> String {
    var text = "ref,ministerial,area,modality,title,unitType,unitCount,personnel,women\n"
    text.reserveCapacity(count * 90)
    for row in 1...count {
        if let line = rowOverride(row) { text += line + "\n"; continue }
        let ref = withRefs ? "KOR-BER25-\(row)" : ""
        text += "\(ref),BERLIN_2025,MEDICAL,UNIT,\"Hospital \(row), Juba\",LEVEL_2_HOSPITAL,1,63,\(row % 60)\n"
    }
    return text
}

@Suite("pledge export and import")
struct ExportImportTests {
    @Test func exportedCSVImportsIntoAFreshStoreAsTheSamePledges() throws {
        let workspace = try Workspace()
        let source = workspace.path("source.sqlite")
        try workspace.initStore(source)
        let ids = try addOneOfEachModality(workspace, db: source)
        // Awkward text: commas, quotes, a line break and non-Latin script.
        let edit = try workspace.run(["edit", ids[3], "--db", source, "--title", "Véhicules « blindés », 12 \"APC\" — 장갑차",
                                      "--description", "First line, with comma\nSecond line"])
        try #require(edit.status == 0, "\(edit)")
        try #require(try workspace.run(["withdraw", ids[5], "--db", source]).status == 0)

        let csv = workspace.path("pledges.csv")
        let export = try workspace.run(["export", "--db", source, "--format", "csv", "--output", csv])
        try #require(export.status == 0, "\(export)")
        #expect(export.stdout.isEmpty)
        #expect(FileManager.default.fileExists(atPath: csv))

        let target = workspace.path("target.sqlite")
        try workspace.initStore(target)
        let imported = try workspace.run(["import", csv, "--db", target])
        #expect(imported.status == 0, "\(imported)")

        let original = try workspace.records(source).map(\.pledge)
        let copy = try workspace.records(target).map(\.pledge)
        #expect(copy.count == 7)
        #expect(copy == original)
        #expect(copy.map(\.id) == ids)
    }

    @Test func exportAsJSONIsOneDocumentOfThePledges() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        let ids = try addOneOfEachModality(workspace, db: db)
        let result = try workspace.run(["export", "--db", db, "--format", "json"])
        #expect(result.status == 0, "\(result)")
        let pledges = try JSONDecoder().decode([Pledge].self, from: result.stdoutData)
        #expect(pledges.map(\.id) == ids)
        #expect(pledges == (try workspace.records(db).map(\.pledge)))
    }

    @Test func aBadRowAmongFiftyImportsNothingAndNamesItsLine() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        // Data row 26 is line 27 (the header is line 1): 130 women among 120 personnel.
        let text = unitCSV(count: 50) { row in
            row == 26 ? ",BERLIN_2025,MEDICAL,UNIT,Bad row,LEVEL_2_HOSPITAL,1,120,130" : nil
        }
        let csv = workspace.path("fifty.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: csv))

        let result = try workspace.run(["import", csv, "--db", db])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("line 27"), "\(result.stderr)")
        #expect(result.stderr.contains("women (130) exceeds personnel (120)"), "\(result.stderr)")
        #expect(!result.stderr.contains("line 26"))
        #expect(!result.stderr.contains("line 28"))
        #expect(try workspace.records(db).isEmpty)
        #expect(try workspace.status(db).pledges == 0)
        #expect(try workspace.status(db).pendingChanges == 0)

        // The same file without the bad row imports all 50.
        let fixed = workspace.path("fixed.csv")
        try Data(unitCSV(count: 50).utf8).write(to: URL(fileURLWithPath: fixed))
        let good = try workspace.run(["import", fixed, "--db", db])
        #expect(good.status == 0, "\(good)")
        #expect(try workspace.status(db).pledges == 50)
    }

    @Test func anUnreadableRowImportsNothingAndNamesItsLine() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        let text = unitCSV(count: 50) { row in
            row == 26 ? ",BERLIN_2025,MEDICAL,UNIT,Bad row,LEVEL_2_HOSPITAL,one,63,12" : nil
        }
        let csv = workspace.path("fifty.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: csv))
        let result = try workspace.run(["import", csv, "--db", db])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("line 27"), "\(result.stderr)")
        #expect(result.stderr.contains("unitCount"), "\(result.stderr)")
        #expect(try workspace.records(db).isEmpty)
    }

    @Test func aMissingFileExits64() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        let result = try workspace.run(["import", workspace.path("nope.csv"), "--db", db])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("nope.csv"))
    }
}

@Suite("pledge import survives SIGKILL")
struct CrashSafetyTests {
    static let rows = 20_000

    /// The number of pledges the store holds, by `status --json` and by `list --json`.
    static func pledgeCounts(_ workspace: Workspace, _ db: String) throws -> (status: Int, listed: Int) {
        (try workspace.status(db).pledges, try workspace.records(db).count)
    }

    /// Waits (bounded) until the import has parsed the file and begun writing, or has ended.
    static func waitUntilWriting(_ running: PledgeBinary.Running) {
        for _ in 0..<1_200 {  // at most about 60 s
            let stderr = (try? String(contentsOf: running.stderrURL, encoding: .utf8)) ?? ""
            if stderr.contains("importing") || !running.process.isRunning { return }
            usleep(50_000)
        }
    }

    @Test func aKilledImportLeavesAllOrNothing() throws {
        let workspace = try Workspace()
        let csv = workspace.path("big.csv")
        // References are given so that import does not mint 20,000 of them (see the report on minting).
        try Data(unitCSV(count: Self.rows, withRefs: true).utf8).write(to: URL(fileURLWithPath: csv))

        var outcomes: [String] = []
        for (attempt, delay) in [50, 150, 400].enumerated() {
            let db = workspace.path("node-\(attempt).sqlite")
            try workspace.initStore(db)
            let running = try workspace.start(["import", csv, "--db", db])
            // Kill inside the write: after parsing has finished and the transaction has begun.
            Self.waitUntilWriting(running)
            usleep(useconds_t(delay * 1000))
            _ = kill(running.pid, SIGKILL)
            let result = try running.finish()

            let counts = try Self.pledgeCounts(workspace, db)
            #expect(counts.status == counts.listed)
            #expect(counts.status == 0 || counts.status == Self.rows,
                    "after SIGKILL \(delay) ms into the write the store holds \(counts.status) of \(Self.rows) pledges (exit \(result.status))")
            let status = try workspace.status(db)
            #expect(status.pendingChanges == counts.status, "the outbox must match the pledges")
            outcomes.append("+\(delay) ms: exit \(result.status), \(counts.status) pledges")

            // The store is still usable: a small import afterwards works.
            let small = workspace.path("small-\(attempt).csv")
            try Data(unitCSV(count: 3).utf8).write(to: URL(fileURLWithPath: small))
            let after = try workspace.run(["import", small, "--db", db])
            #expect(after.status == 0, "\(after)")
            #expect(try workspace.status(db).pledges == counts.status + 3)
        }
        // Which outcome each kill had depends on the machine's speed, so it is only reported.
        print("crash-safety outcomes: \(outcomes.joined(separator: "; "))")

        // Rows made the same way import when left alone, so an empty store above means rollback, not refusal.
        let db = workspace.path("complete.sqlite")
        try workspace.initStore(db)
        let sample = workspace.path("sample.csv")
        try Data(unitCSV(count: 500, withRefs: true).utf8).write(to: URL(fileURLWithPath: sample))
        let complete = try workspace.run(["import", sample, "--db", db])
        #expect(complete.status == 0, "\(complete)")
        #expect(try workspace.status(db).pledges == 500)
    }
}

@Suite("pledge import of a delegation's own spreadsheet")
struct PartialSpreadsheetTests {
    @Test func importingSomeColumnsUpdatesOnlyThoseFields() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        let ids = try addOneOfEachModality(workspace, db: db)
        let before = try workspace.records(db).map(\.pledge)

        // Only the id and the columns to change; an empty cell in a given column clears that field.
        let csv = workspace.path("changes.csv")
        try Data("id,title,women,description\n\(ids[0]),Level 2 hospital (Juba),20,\n\(ids[3].uppercased()),Armoured carriers,,\n".utf8)
            .write(to: URL(fileURLWithPath: csv))
        let result = try workspace.run(["import", csv, "--db", db])
        #expect(result.status == 0, "\(result)")

        let after = try workspace.records(db).map(\.pledge)
        #expect(after.map(\.id) == before.map(\.id), "no pledge is added")
        var expectedUnit = before[0]
        expectedUnit[.title] = .text("Level 2 hospital (Juba)")
        expectedUnit[.women] = .integer(20)
        #expect(after[0] == expectedUnit)
        var expectedEquipment = before[3]
        expectedEquipment[.title] = .text("Armoured carriers")
        expectedEquipment[.description] = .null
        #expect(after[3] == expectedEquipment)
        #expect(Array(after[4...]) == Array(before[4...]))
    }
}
