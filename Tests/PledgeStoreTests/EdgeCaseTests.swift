import Foundation
import PledgeModel
import PledgeStore
import Testing

@Suite("NodeStore: edge cases of import and rejection")
struct EdgeCaseTests {
    @Test func reimportingAnExportChangesNothing() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields([.partners: .list(["GHA"])])).pledge
            _ = try store.sealedChanges(limit: 10)
            let text = try PledgeCSV.export(try store.pledges().map(\.pledge))
            let rows = try PledgeCSV.parse(text, makeId: { UUID().uuidString.lowercased() })
            #expect(try store.importPledges(rows.map(\.pledge), lines: rows.map(\.line)) == 1)
            #expect(try store.pledges().map(\.pledge) == [pledge])
            #expect(try store.unsentPreview().count == 1, "an import of unchanged values queues no change")
        }
    }

    @Test func importingSomeColumnsOfAnExistingPledgeUpdatesOnlyThoseColumns() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields([.description: .text("Kept")])).pledge
            // A delegation's own spreadsheet: the id and the columns it wants to change ("any may be left out except title").
            let text = "id,title,women\n\(pledge.id),Renamed hospital,20\n"
            let rows = try PledgeCSV.parse(text, makeId: { UUID().uuidString.lowercased() })
            #expect(throws: Never.self) {
                try store.importPledges(rows.map(\.pledge), lines: rows.map(\.line), columns: PledgeCSV.columns(of: text))
            }
            let current = try store.pledge(pledge.id).pledge
            #expect(current.title == "Renamed hospital")
            #expect(current.integer(.women) == 20)
            #expect(current.text(.description) == "Kept")
            #expect(current.text(.ref) == pledge.text(.ref))
            #expect(current.delegation == "KOR")
            #expect(current.text(.unitType) == "LEVEL_2_HOSPITAL")
        }
    }

    @Test func aRejectedCreationNeverLeavesAPartialPledge() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let sealed = try store.sealedChanges(limit: 10)
            try #require(sealed.count == 1)
            // Edited while the creation was in flight.
            try store.edit(pledge.id, setting: [.title: .text("Edited in flight")])
            try store.applyPushResults([ChangeResult(changeId: sealed[0].changeId, outcome: .rejected,
                                                     reasons: [Rejection(code: "invalid", message: "refused")])])
            #expect(try store.status().rejectedChanges >= 1)
            // Either the pledge is gone (with its edit), or what remains is a whole, valid pledge; never a fragment.
            let shown = try store.pledges()
            let queuedFor = Set(try store.unsentPreview().map(\.pledgeId))
            #expect(queuedFor.isSubset(of: Set(shown.map(\.pledge.id))), "the outbox holds changes of a pledge the node no longer has")
            for record in shown {
                #expect(PledgeValidator.validate(record.pledge).isValid,
                        "after its creation was rejected the node shows a fragment: \(record.pledge.fields)")
                #expect(record.pledge.delegation == "KOR")
            }
        }
    }
}
