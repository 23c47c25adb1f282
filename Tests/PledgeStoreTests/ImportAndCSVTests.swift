import Foundation
import PledgeModel
import PledgeStore
import Testing

/// `count` valid pledges for KOR with fresh ids; `varied` adds lists, amounts and awkward text.
func samplePledges(_ count: Int) -> [Pledge] {
    (0..<count).map { index in
        var fields = unitFields([.title: .text("Pledge \(index)")])
        fields[.delegation] = .text("KOR")
        fields[.status] = .text("ANNOUNCED")
        fields[.ref] = .text("KOR-BER25-\(100 + index)")
        return Pledge(id: UUID().uuidString.lowercased(), fields: fields)
    }
}

@Suite("NodeStore: importing pledges")
struct ImportTests {
    @Test func importWritesEveryPledgeKeepingTheirIds() throws {
        try withStore { store, _ throws in
            let pledges = samplePledges(12)
            let count = try store.importPledges(pledges, lines: Array(2..<14))
            #expect(count == 12)
            #expect(try store.pledges().map(\.pledge) == pledges)
            #expect(try store.status().pendingChanges == 12)
        }
    }

    @Test func oneInvalidPledgeImportsNothing() throws {
        try withStore { store, _ throws in
            let existing = try store.create(unitFields([.title: .text("Already here")])).pledge
            var pledges = samplePledges(40)
            pledges[26][.women] = .integer(500)  // personnel is 63
            let lines = pledges.indices.map { $0 + 2 }

            let error = #expect(throws: StoreError.self) { try store.importPledges(pledges, lines: lines) }
            let rows = try #require(error?.importRows)
            #expect(rows.map(\.line) == [28])
            #expect(rows.first?.issues.contains { $0.contains("women") } == true)
            #expect(error?.description.contains("line 28") == true)
            #expect(error?.description.contains("nothing was imported") == true)

            #expect(try store.pledges().map(\.pledge) == [existing])
            #expect(try store.status().pendingChanges == 1)
        }
    }

    @Test func anInvalidPledgeInAnEmptyStoreLeavesItEmpty() throws {
        try withStore { store, _ throws in
            var pledges = samplePledges(5)
            pledges[4][.title] = .text(String(repeating: "x", count: 201))
            let error = #expect(throws: StoreError.self) { try store.importPledges(pledges, lines: [2, 3, 4, 5, 6]) }
            let rows = try #require(error?.importRows)
            #expect(rows.map(\.line) == [6])
            #expect(try store.pledges().isEmpty)
            #expect(try store.status().pledges == 0)
            #expect(try store.status().pendingChanges == 0)
            #expect(try store.unsentPreview().isEmpty)
        }
    }

    @Test func everyBadRowIsReported() throws {
        try withStore { store, _ throws in
            var pledges = samplePledges(10)
            pledges[1][.currency] = .text("XYZ")
            pledges[7][.missions] = .list(["MINUSMA"])
            let error = #expect(throws: StoreError.self) { try store.importPledges(pledges, lines: Array(2...11)) }
            let rows = try #require(error?.importRows)
            #expect(rows.map(\.line) == [3, 9])
            #expect(try store.pledges().isEmpty)
        }
    }
}

@Suite("PledgeCSV")
struct PledgeCSVTests {
    static func awkwardPledges() -> [Pledge] {
        let id = { UUID().uuidString.lowercased() }
        return [
            Pledge(id: id(), fields: unitFields([
                .delegation: .text("KOR"), .status: .text("ANNOUNCED"), .ref: .text("KOR-BER25-001"),
                .title: .text("Hôpital de niveau 2, « Juba », 한국 병원"),
                .description: .text("Line one, with a comma\nLine two with \"quotes\"\r\nLine three"),
                .areas: .list(["PROTECTION_OF_CIVILIANS", "WOMEN_PEACE_SECURITY"]),
                .partners: .list(["GHA", "NOR"]), .missions: .list(["UNMISS", "MINUSCA"]),
                .availableFrom: .text("2025-06-01"), .availableUntil: .text("2027-05-31"),
            ])),
            Pledge(id: id(), fields: [
                .delegation: .text("KOR"), .status: .text("FORMALLY_NOTIFIED"), .ref: .text("KOR-BER25-002"),
                .ministerial: .text("BERLIN_2025"), .area: .text("TRAINING"), .modality: .text("FINANCIAL"),
                .title: .text("\"Quoted\" title, with commas, and an emoji 🇺🇳"),
                .amount: .text("1500000.00"), .currency: .text("USD"), .missions: .list(["ANY"]),
            ]),
            Pledge(id: id(), fields: [
                .delegation: .text("KOR"), .status: .text("WITHDRAWN"), .withdrawalReason: .text("Budget; reallocated"),
                .ref: .text("KOR-ACC23-001"), .ministerial: .text("ACCRA_2023"), .area: .text("TRAINING"),
                .modality: .text("TRAINING"), .title: .text("Training, multi-line\ntitle"), .courses: .integer(12),
                .participants: .integer(240), .personnel: .integer(0), .women: .integer(0),
            ]),
        ]
    }

    @Test func exportThenParseGivesTheSamePledges() throws {
        let pledges = Self.awkwardPledges()
        let text = try PledgeCSV.export(pledges)
        let rows = try PledgeCSV.parse(text, makeId: { "00000000-0000-4000-8000-000000000000" })
        #expect(rows.map(\.pledge) == pledges)
        #expect(rows.map(\.pledge.id) == pledges.map(\.id))
        // Row 1 spans three lines (its description has two line breaks).
        #expect(rows.map(\.line) == [2, 5, 6])
    }

    @Test func exportThenImportIntoAFreshStoreGivesTheSamePledges() throws {
        let pledges = Self.awkwardPledges()
        let text = try PledgeCSV.export(pledges)
        try withStore { store, _ throws in
            let rows = try PledgeCSV.parse(text, makeId: { UUID().uuidString.lowercased() })
            #expect(try store.importPledges(rows.map(\.pledge), lines: rows.map(\.line)) == pledges.count)
            #expect(try store.pledges().map(\.pledge) == pledges)
            #expect(try PledgeCSV.export(try store.pledges().map(\.pledge)) == text)
        }
    }

    @Test func emptyIdsGetFreshIdsAndColumnsMayComeInAnyOrder() throws {
        let text = """
            title,modality,id,area,ministerial,unitType,unitCount
            First,UNIT,,MEDICAL,BERLIN_2025,LEVEL_2_HOSPITAL,1
            Second,POLICY,8ED462A8-E42B-4D6B-BC7C-BFACCE2A325E,CONDUCT_ACCOUNTABILITY,BERLIN_2025,,

            """
        var minted = 0
        let rows = try PledgeCSV.parse(text, makeId: { minted += 1; return "00000000-0000-4000-8000-00000000000\(minted)" })
        try #require(rows.count == 2)
        #expect(rows[0].pledge.id == "00000000-0000-4000-8000-000000000001")
        #expect(rows[0].pledge.title == "First")
        #expect(rows[0].pledge.integer(.unitCount) == 1)
        #expect(rows[1].pledge.id == "8ed462a8-e42b-4d6b-bc7c-bfacce2a325e")
        #expect(rows[1].pledge.text(.area) == "CONDUCT_ACCOUNTABILITY")
        #expect(rows[1].pledge.fields[.unitType] == nil)
    }

    /// 50 data rows; row `bad` (1-based) carries `badCells`; row 10 has a two-line title.
    static func fiftyRows(bad: Int, personnel: String, blankLineBefore: Int? = nil) -> String {
        var lines = ["id,ministerial,area,modality,title,unitType,unitCount,personnel,women"]
        for row in 1...50 {
            if row == blankLineBefore { lines.append("") }
            let title = row == 10 ? "\"Two-line\ntitle, row \(row)\"" : "Row \(row)"
            lines.append(",BERLIN_2025,MEDICAL,UNIT,\(title),LEVEL_2_HOSPITAL,1,\(row == bad ? personnel : "63"),12")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aBadRowAmongFiftyIsReportedWithItsLine() throws {
        // Header on line 1, data row n on line n + 1, plus one for row 10's line break.
        let text = Self.fiftyRows(bad: 30, personnel: "sixty")
        let error = #expect(throws: StoreError.self) { try PledgeCSV.parse(text, makeId: { UUID().uuidString }) }
        let rows = try #require(error?.importRows)
        #expect(rows.map(\.line) == [32])
        #expect(rows.first?.issues.contains { $0.contains("personnel") } == true)
    }

    @Test func lineNumbersCountBlankLines() throws {
        let text = Self.fiftyRows(bad: 30, personnel: "sixty", blankLineBefore: 20)
        let error = #expect(throws: StoreError.self) { try PledgeCSV.parse(text, makeId: { UUID().uuidString }) }
        let rows = try #require(error?.importRows)
        #expect(rows.map(\.line) == [33])
    }

    @Test func aRuleBrokenOnRowTwentySixIsReportedOnLineTwentySeven() throws {
        // No multi-line cells: women > personnel on data row 26, which is line 27.
        var lines = ["ministerial,area,modality,title,unitType,unitCount,personnel,women"]
        for row in 1...50 {
            lines.append("BERLIN_2025,MEDICAL,UNIT,Row \(row),LEVEL_2_HOSPITAL,1,\(row == 26 ? "10" : "63"),12")
        }
        let rows = try PledgeCSV.parse(lines.joined(separator: "\n") + "\n", makeId: { UUID().uuidString.lowercased() })
        #expect(rows.count == 50)
        #expect(rows[25].line == 27)
        try withStore { store, _ throws in
            let error = #expect(throws: StoreError.self) { try store.importPledges(rows.map(\.pledge), lines: rows.map(\.line)) }
            let failures = try #require(error?.importRows)
            #expect(failures.map(\.line) == [27])
            #expect(error?.description.contains("line 27: women (12) exceeds personnel (10)") == true)
            #expect(try store.pledges().isEmpty)
        }
    }

    @Test func anUnknownColumnIsReportedOnTheHeaderLine() throws {
        let text = "title,colour\nA,blue\n"
        let error = #expect(throws: StoreError.self) { try PledgeCSV.parse(text, makeId: { UUID().uuidString }) }
        let rows = try #require(error?.importRows)
        #expect(rows.map(\.line) == [1])
        #expect(rows.first?.issues.contains { $0.contains("colour") } == true)
    }
}
