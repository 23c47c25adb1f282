import Foundation
import GRDB
import PledgeModel
import PledgeStore
import Testing

@Suite("NodeStore: the outbox")
struct OutboxTests {
    @Test func aNewPledgeQueuesOneChangeWithEveryBaseAtVersionZero() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let preview = try store.unsentPreview()
            try #require(preview.count == 1)
            let change = preview[0]
            #expect(change.pledgeId == pledge.id)
            #expect(change.fields == pledge.fields)
            #expect(Set(change.bases.keys) == Set(change.fields.keys))
            #expect(change.bases.values.allSatisfy { $0 == .version(0) })
            #expect(change.isCreation)
            #expect(change.resolves.isEmpty)
            #expect(change.device == "KOR-test")
            #expect(try store.status().pendingChanges == 1)
            #expect(try store.status().sentUnacknowledged == 0)
            #expect(try store.pledge(pledge.id).pendingFields.sorted() == pledge.fields.keys.sorted())
        }
    }

    @Test func editsBeforeSyncCoalesceIntoTheSameChange() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let creation = try #require(try store.unsentPreview().first)

            try store.edit(pledge.id, setting: [.title: .text("Level 2 hospital, Juba")])
            try store.edit(pledge.id, setting: [.women: .integer(20)])
            try store.edit(pledge.id, setting: [.description: .text("Ready in 90 days")])

            let preview = try store.unsentPreview()
            try #require(preview.count == 1)
            let change = preview[0]
            #expect(change.changeId == creation.changeId)
            #expect(change.fields[.title] == .text("Level 2 hospital, Juba"))
            #expect(change.fields[.women] == .integer(20))
            #expect(change.fields[.description] == .text("Ready in 90 days"))
            #expect(change.bases[.title] == .version(0))
            #expect(change.bases[.women] == .version(0))
            #expect(change.bases[.description] == .version(0))
            #expect(change.isCreation)
            #expect(try store.status().pendingChanges == 1)
            #expect(try store.pledge(pledge.id).pledge.title == "Level 2 hospital, Juba")
        }
    }

    @Test func editsOfTwoPledgesStayInTheirOwnChanges() throws {
        try withStore { store, _ throws in
            let first = try store.create(unitFields()).pledge
            let second = try store.create(unitFields([.title: .text("Second")])).pledge
            try store.edit(first.id, setting: [.women: .integer(30)])
            let preview = try store.unsentPreview()
            #expect(preview.map(\.pledgeId) == [first.id, second.id])
            #expect(preview[0].fields[.women] == .integer(30))
            #expect(preview[1].fields[.women] == .integer(12))
        }
    }

    @Test func anEditAfterSealingStartsANewChangeBasedOnTheSentOne() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let sealed = try store.sealedChanges(limit: 10)
            try #require(sealed.count == 1)
            let sentId = sealed[0].changeId
            #expect(try store.status().sentUnacknowledged == 1)

            try store.edit(pledge.id, setting: [.title: .text("Level 2 hospital, Juba")])
            // A field the sent change did not carry is based on the registry version (0: never set).
            try store.edit(pledge.id, setting: [.description: .text("New description")])

            let preview = try store.unsentPreview()
            try #require(preview.count == 2)
            #expect(preview[0].changeId == sentId)
            #expect(preview[0].fields[.title] == .text("Level 2 hospital"), "the sent change must not absorb later edits")
            let next = preview[1]
            #expect(next.changeId != sentId)
            #expect(next.pledgeId == pledge.id)
            #expect(next.fields == [.title: .text("Level 2 hospital, Juba"), .description: .text("New description")])
            #expect(next.bases[.title] == .change(sentId))
            #expect(next.bases[.description] == .version(0))
            #expect(!next.isCreation)
            #expect(try store.status().pendingChanges == 2)
            #expect(try store.status().sentUnacknowledged == 1)
            #expect(try store.pledge(pledge.id).pledge.title == "Level 2 hospital, Juba")
        }
    }

    @Test func sealedBytesAreTheSameOnEveryRetry() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields([.partners: .list(["GHA", "NOR"]), .missions: .list(["UNMISS"])])).pledge
            let first = try store.sealedChanges(limit: 10)
            try #require(first.count == 1)

            // Later edits and a second sealing pass must not change what was sent.
            try store.edit(pledge.id, setting: [.title: .text("Changed after sending")])
            let second = try store.sealedChanges(limit: 10)
            try #require(second.count == 2)
            #expect(second[0].changeId == first[0].changeId)
            #expect(second[0].body == first[0].body)
            let third = try store.sealedChanges(limit: 10)
            #expect(third.map(\.changeId) == second.map(\.changeId))
            #expect(third.map(\.body) == second.map(\.body))

            let decoded = try JSONDecoder().decode(Change.self, from: first[0].body)
            #expect(decoded.changeId == first[0].changeId)
            #expect(decoded.pledgeId == pledge.id)
            #expect(decoded.fields[.title] == .text("Level 2 hospital"))
            #expect(decoded.fields[.partners] == .list(["GHA", "NOR"]))
            #expect(decoded.bases.values.allSatisfy { $0 == .version(0) })
            #expect(try store.unsentPreview().first == decoded)

            // Reopening the store (as after a crash) gives the same bytes.
            let reopened = try NodeStore(path: store.path)
            #expect(try reopened.sealedChanges(limit: 10).map(\.body) == third.map(\.body))
        }
    }

    @Test func sealingRespectsTheLimitAndUnsealedChangesKeepCoalescing() throws {
        try withStore { store, _ throws in
            let first = try store.create(unitFields()).pledge
            let second = try store.create(unitFields([.title: .text("Second")])).pledge
            let sealed = try store.sealedChanges(limit: 1)
            #expect(sealed.count == 1)
            #expect(try store.status().sentUnacknowledged == 1)

            try store.edit(second.id, setting: [.title: .text("Second, edited")])
            let preview = try store.unsentPreview()
            #expect(preview.count == 2)
            #expect(preview.map(\.pledgeId) == [first.id, second.id])
            #expect(preview[1].fields[.title] == .text("Second, edited"))
            #expect(preview[1].bases[.title] == .version(0))
        }
    }

    @Test func anEditThatChangesNothingQueuesNothing() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            _ = try store.sealedChanges(limit: 10)
            try store.edit(pledge.id, setting: [.title: .text("Level 2 hospital")])
            #expect(try store.unsentPreview().count == 1)
            #expect(try store.status().pendingChanges == 1)
        }
    }

    /// The registry's answer to a sealed change applied as sent, at `version`.
    func appliedAsSent(_ sealed: SealedChange, version: Int) throws -> ChangeResult {
        let change = try CanonicalJSON.decode(Change.self, from: sealed.body)
        return ChangeResult(changeId: change.changeId, outcome: .applied,
                            fields: change.fields.mapValues { VersionedValue(value: $0, version: version) })
    }

    @Test func aChangeSealedByAnEarlierVersionKeepsItsStoredBytesAndTakesNoLaterEdit() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            // An earlier version sealed a change by storing its body in the row, and kept no watermark.
            let unsent = try store.unsentPreview()
            try #require(unsent.count == 1)
            let storedBody = try CanonicalJSON.encode(unsent[0])
            try DatabaseQueue(path: store.path).write { db in
                try db.execute(sql: "UPDATE outbox SET body = ? WHERE change_id = ?", arguments: [storedBody, unsent[0].changeId])
            }
            #expect(try store.status().sentUnacknowledged == 1)
            #expect(try store.history(pledge.id).entries.allSatisfy { $0.state == "sent" })

            try store.edit(pledge.id, setting: [.title: .text("Level 2 hospital, Juba")])
            let queued = try store.unsentPreview()
            try #require(queued.count == 2)
            #expect(queued[0].fields[.title] == .text("Level 2 hospital"), "the sent change must not absorb later edits")
            #expect(queued[1].bases[.title] == .change(unsent[0].changeId))
            #expect(try store.sealedChanges(limit: 10).first?.body == storedBody)
        }
    }

    @Test func anAnswerAppliedAsSentKeepsTheShownPledgeAndItsFilterColumns() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let creation = try store.sealedChanges(limit: 10)
            try store.applyPushResults([try appliedAsSent(creation[0], version: 1)])
            try store.withdraw(pledge.id, reason: "Capacity moved to another mission")
            let withdrawal = try store.sealedChanges(limit: 10)
            try #require(withdrawal.count == 1)
            try store.applyPushResults([try appliedAsSent(withdrawal[0], version: 2)])

            #expect(try store.pendingChangeCount() == 0)
            #expect(try store.pledges(matching: .init(status: "WITHDRAWN")).map(\.pledge.id) == [pledge.id])
            #expect(try store.pledges(matching: .init(status: "ANNOUNCED")).isEmpty)
            let record = try store.pledge(pledge.id)
            #expect(record.isOnRegistry)
            #expect(record.pendingFields.isEmpty)
            #expect(record.pledge.status == .withdrawn)
            #expect(record.pledge.text(.withdrawalReason) == "Capacity moved to another mission")
            #expect(record.versions[.status] == 2)
            #expect(record.versions[.title] == 1)
        }
    }

    @Test func aNewPledgesConfirmedStateIsStoredAsTheReplyCarriedItAndAnEditsIsWrittenAgain() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let creation = try store.sealedChanges(limit: 10)
            var answer = try appliedAsSent(creation[0], version: 1)
            // The reader keeps each result's `fields` text; it is not part of the result's value.
            let reply = try CanonicalJSON.decode(PushResponse.self, from: CanonicalJSON.encode(PushResponse(results: [answer])))
            let canonical = try CanonicalJSON.string(answer.fields)
            #expect(reply.results.first?.fieldsJSONAsReceived == canonical)
            #expect(reply.results.first == answer)
            // Stored byte for byte as received: a space a writer would never put there shows it was not written again.
            let received = "{ " + canonical.dropFirst()
            answer.fieldsJSONAsReceived = received
            try store.applyPushResults([answer])
            func storedConfirmed() throws -> String? {
                try DatabaseQueue(path: store.path).read { db in
                    try String.fetchOne(db, sql: "SELECT confirmed FROM pledge WHERE id = ?", arguments: [pledge.id])
                }
            }
            #expect(try storedConfirmed() == received)
            #expect(try store.pledge(pledge.id).versions[.title] == 1)

            // An edit's answer is merged into what is confirmed, so that is written again, whatever the reply's text.
            try store.edit(pledge.id, setting: [.women: .integer(20)])
            var edit = try appliedAsSent(try store.sealedChanges(limit: 10)[0], version: 2)
            edit.fieldsJSONAsReceived = #"{ "women": {"value": 20, "version": 2}}"#
            try store.applyPushResults([edit])
            let record = try store.pledge(pledge.id)
            #expect(record.versions[.women] == 2 && record.versions[.title] == 1 && record.pledge.integer(.women) == 20)
            var merged = answer.fields
            merged[.women] = VersionedValue(value: .integer(20), version: 2)
            #expect(try storedConfirmed() == (try CanonicalJSON.string(merged)))
        }
    }

    @Test func anAnswerWhileALaterEditWaitsKeepsThatEditShown() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let creation = try store.sealedChanges(limit: 10)
            try store.edit(pledge.id, setting: [.women: .integer(20)])
            try store.applyPushResults([try appliedAsSent(creation[0], version: 1)])

            let record = try store.pledge(pledge.id)
            #expect(record.pledge.integer(.women) == 20)
            #expect(record.pendingFields == [.women])
            #expect(record.versions[.women] == 1)
        }
    }

    @Test func aRefusedEditKeepsTheFieldsItSentAndLeavesTheOutbox() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            try store.applyPushResults([try appliedAsSent(try store.sealedChanges(limit: 10)[0], version: 1)])
            try store.edit(pledge.id, setting: [.personnel: .integer(45)])
            let edit = try store.sealedChanges(limit: 10)
            try #require(edit.count == 1)
            try store.applyPushResults([ChangeResult(changeId: edit[0].changeId, outcome: .rejected,
                                                     reasons: [Rejection(code: "invalid", field: "personnel", message: "too few")])])

            #expect(try store.pendingChangeCount() == 0)
            let kept = try DatabaseQueue(path: store.path).read { db in
                try String.fetchOne(db, sql: "SELECT fields FROM rejected_change WHERE change_id = ?", arguments: [edit[0].changeId])
            }
            #expect(kept == #"{"personnel":45}"#)
        }
    }

    @Test func aRefusedCreationKeepsTheFieldsOfItAndOfTheEditsThatWaitedOnIt() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let creation = try store.sealedChanges(limit: 10)
            try #require(creation.count == 1)
            try store.edit(pledge.id, setting: [.personnel: .integer(45)])
            try store.applyPushResults([ChangeResult(changeId: creation[0].changeId, outcome: .rejected,
                                                     reasons: [Rejection(code: "invalid", field: "ref", message: "taken")])])

            #expect(try store.pendingChangeCount() == 0)
            let kept = try DatabaseQueue(path: store.path).read { db in
                try Row.fetchAll(db, sql: "SELECT change_id, fields FROM rejected_change ORDER BY rejected_at, change_id")
            }
            try #require(kept.count == 2)
            let created = try #require(kept.first { $0["change_id"] == creation[0].changeId })
            let sent = try CanonicalJSON.decode(Change.self, from: creation[0].body)
            #expect(try CanonicalJSON.decode(FieldMap.self, from: created["fields"] as String) == sent.fields)
            let edit = try #require(kept.first { $0["change_id"] != creation[0].changeId })
            #expect(edit["fields"] as String == #"{"personnel":45}"#)
        }
    }

    @Test func theClosingWriteOfASyncRecordsItsTimeAndCountsOpenConflicts() throws {
        try withStore { store, _ throws in
            #expect(try store.status().lastSync == nil)
            #expect(try store.recordSyncFinished() == 0)
            let first = try #require(try store.status().lastSync)
            #expect(first.hasPrefix("20"))

            let (pledge, result) = try confirmedPledge(in: store)
            let conflict = PullPageTests.openConflict(on: pledge)
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: pledge.id, fields: result.fields, conflicts: [conflict])],
                                             cursor: "s7", hasMore: false))
            #expect(try store.recordSyncFinished() == 1)
            #expect(try store.pullCursor() == "s7")
            #expect(try store.pendingChangeCount() == 0)
        }
    }
}
