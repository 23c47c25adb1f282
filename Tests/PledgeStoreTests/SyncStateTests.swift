import Foundation
import PledgeModel
import PledgeStore
import Testing

/// The registry's answer that applies every field of `change`, numbering versions from `firstVersion`.
func appliedResult(for change: Change, from firstVersion: Int) -> ChangeResult {
    var fields: FieldDictionary<VersionedValue> = [:]
    for (offset, field) in change.fields.keys.sorted().enumerated() {
        fields[field] = VersionedValue(value: change.fields[field]!, version: firstVersion + offset)
    }
    return ChangeResult(changeId: change.changeId, outcome: .applied, fields: fields)
}

/// Creates a pledge, sends it and records the registry's acknowledgement; returns it with its versions.
func confirmedPledge(in store: NodeStore, _ overrides: FieldMap = [:]) throws -> (pledge: Pledge, result: ChangeResult) {
    let pledge = try store.create(unitFields(overrides)).pledge
    let sealed = try store.sealedChanges(limit: 100)
    let change = try #require(try sealed.map { try JSONDecoder().decode(Change.self, from: $0.body) }.first { $0.pledgeId == pledge.id })
    let result = appliedResult(for: change, from: 1)
    try store.applyPushResults([result])
    return (pledge, result)
}

@Suite("NodeStore: push results")
struct PushResultTests {
    @Test func anAppliedChangeLeavesTheOutboxAndConfirmsThePledge() throws {
        try withStore { store, _ throws in
            let (pledge, result) = try confirmedPledge(in: store)
            #expect(try store.unsentPreview().isEmpty)
            #expect(try store.status().pendingChanges == 0)
            #expect(try store.status().sentUnacknowledged == 0)
            let record = try store.pledge(pledge.id)
            #expect(record.isOnRegistry)
            #expect(!record.isUnsynced)
            #expect(record.pendingFields.isEmpty)
            #expect(record.pledge == pledge)
            #expect(record.versions == result.fields.mapValues(\.version))
            #expect(record.versions[.title] != nil)
        }
    }

    @Test func applyingTheSameResultsTwiceChangesNothing() throws {
        try withStore { store, _ throws in
            let (pledge, result) = try confirmedPledge(in: store)
            let before = try store.pledge(pledge.id)
            try store.applyPushResults([result])
            #expect(try store.pledge(pledge.id) == before)
            #expect(try store.status().pendingChanges == 0)
        }
    }

    @Test func anAcknowledgedCreationKeepsALaterPendingEditOnTop() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let sealed = try store.sealedChanges(limit: 10)
            let creation = try JSONDecoder().decode(Change.self, from: sealed[0].body)
            try store.edit(pledge.id, setting: [.title: .text("Edited while the push was in flight")])

            try store.applyPushResults([appliedResult(for: creation, from: 1)])
            let record = try store.pledge(pledge.id)
            #expect(record.isOnRegistry)
            #expect(record.pledge.title == "Edited while the push was in flight")
            #expect(record.pendingFields == [.title])
            #expect(try store.unsentPreview().count == 1)
            #expect(try store.unsentPreview().first?.fields == [.title: .text("Edited while the push was in flight")])
        }
    }

    @Test func aRejectedCreationRemovesTheNeverConfirmedPledge() throws {
        try withStore { store, _ throws in
            let kept = try store.create(unitFields([.title: .text("Kept")])).pledge
            let refused = try store.create(unitFields([.title: .text("Refused")])).pledge
            let sealed = try store.sealedChanges(limit: 10)
            let change = try #require(try sealed.map { try JSONDecoder().decode(Change.self, from: $0.body) }.first { $0.pledgeId == refused.id })
            let reason = Rejection(code: "invalid", field: "title", message: "title is not acceptable")

            try store.applyPushResults([ChangeResult(changeId: change.changeId, outcome: .rejected, reasons: [reason])])

            #expect(try store.pledges().map(\.pledge.id) == [kept.id])
            #expect(throws: StoreError.self) { try store.pledge(refused.id) }
            let status = try store.status()
            #expect(status.rejectedChanges == 1)
            #expect(status.pledges == 1)
            #expect(status.pendingChanges == 1)
            #expect(try store.unsentPreview().map(\.pledgeId) == [kept.id])
            let rejected = try store.rejectedChanges()
            try #require(rejected.count == 1)
            #expect(rejected[0].changeId == change.changeId)
            #expect(rejected[0].pledgeId == refused.id)
            #expect(rejected[0].reasons == [reason])
        }
    }

    @Test func aRejectedEditRevertsToTheConfirmedValue() throws {
        try withStore { store, _ throws in
            let (pledge, _) = try confirmedPledge(in: store)
            try store.edit(pledge.id, setting: [.title: .text("Refused title")])
            let sealed = try store.sealedChanges(limit: 10)
            try #require(sealed.count == 1)
            try store.applyPushResults([ChangeResult(changeId: sealed[0].changeId, outcome: .rejected,
                                                     reasons: [Rejection(code: "invalid", message: "no")])])
            let record = try store.pledge(pledge.id)
            #expect(record.pledge.title == "Level 2 hospital")
            #expect(record.pendingFields.isEmpty)
            #expect(record.isOnRegistry)
            #expect(try store.status().rejectedChanges == 1)
            #expect(try store.status().pendingChanges == 0)
        }
    }
}

@Suite("NodeStore: pull pages")
struct PullPageTests {
    @Test func aPageWithANewPledgeAddsItAndStoresTheCursor() throws {
        try withStore { store, _ throws in
            #expect(try store.pullCursor() == "")
            let remote = registryPledge(delegation: "GHA", [.partners: .list(["KOR"]), .ref: .text("GHA-BER25-004")])
            let fields = versioned(remote, from: 10)
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: remote.id, fields: fields, conflicts: [])], cursor: "c-1", hasMore: false))

            #expect(try store.pullCursor() == "c-1")
            let records = try store.pledges()
            try #require(records.count == 1)
            #expect(records[0].pledge == remote)
            #expect(records[0].isOnRegistry)
            #expect(records[0].pendingFields.isEmpty)
            #expect(records[0].versions == fields.mapValues(\.version))
            #expect(try store.status().pendingChanges == 0)
            #expect(try store.pledge("GHA-BER25-004").pledge.id == remote.id)

            // The next page moves the cursor on, whatever it holds.
            try store.applyPullPage(PullPage(pledges: [], cursor: "c-2", hasMore: false))
            #expect(try store.pullCursor() == "c-2")
            #expect(try NodeStore(path: store.path).pullCursor() == "c-2")
        }
    }

    @Test func aPageUpdatesAConfirmedPledgeWithoutPendingEdits() throws {
        try withStore { store, _ throws in
            let (pledge, result) = try confirmedPledge(in: store)
            var fields = result.fields
            fields[.review] = VersionedValue(value: .text("ACKNOWLEDGED"), version: 90)
            fields[.registryRef] = VersionedValue(value: .text("PKM-2025-0042"), version: 91)
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: pledge.id, fields: fields, conflicts: [])], cursor: "c-3", hasMore: false))
            let record = try store.pledge(pledge.id)
            #expect(record.pledge.text(.review) == "ACKNOWLEDGED")
            #expect(record.pledge.text(.registryRef) == "PKM-2025-0042")
            #expect(record.versions[.registryRef] == 91)
            #expect(try store.pledge("PKM-2025-0042").pledge.id == pledge.id)
        }
    }

    @Test func pullNeverOverwritesAPendingEdit() throws {
        try withStore { store, _ throws in
            let (pledge, result) = try confirmedPledge(in: store)
            try store.edit(pledge.id, setting: [.title: .text("My pending title")])

            var fields = result.fields
            fields[.title] = VersionedValue(value: .text("Title set by another device"), version: 40)
            fields[.personnel] = VersionedValue(value: .integer(70), version: 41)
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: pledge.id, fields: fields, conflicts: [])], cursor: "c-4", hasMore: false))

            let record = try store.pledge(pledge.id)
            #expect(record.pledge.title == "My pending title")
            #expect(record.pendingFields == [.title])
            #expect(record.versions[.title] == 40)
            // A field without a pending edit takes the registry's value.
            #expect(record.pledge.integer(.personnel) == 70)
            #expect(record.versions[.personnel] == 41)
            #expect(try store.pullCursor() == "c-4")
            let preview = try store.unsentPreview()
            #expect(preview.count == 1)
            #expect(preview.first?.fields == [.title: .text("My pending title")])

            // Once the registry answers for the edit, the edit is the confirmed value.
            let sealed = try store.sealedChanges(limit: 10)
            let change = try JSONDecoder().decode(Change.self, from: sealed[0].body)
            try store.applyPushResults([appliedResult(for: change, from: 42)])
            let after = try store.pledge(pledge.id)
            #expect(after.pledge.title == "My pending title")
            #expect(after.pendingFields.isEmpty)
            #expect(after.versions[.title] == 42)
        }
    }

    @Test func conflictsFromAPageAreListedAndFollowTheRegistry() throws {
        try withStore { store, _ throws in
            let (pledge, result) = try confirmedPledge(in: store)
            let conflict = ConflictRecord(
                id: "c0nf1ict-0001", pledgeId: pledge.id, field: .title, state: .open,
                candidates: [
                    ConflictCandidate(number: 1, value: .text("Level 2 hospital"), changeId: "a", actor: "KOR/laptop-1", receivedAt: "2025-05-13T09:00:00Z"),
                    ConflictCandidate(number: 2, value: .text("Level 2 hospital (Juba)"), changeId: "b", actor: "KOR/laptop-2", receivedAt: "2025-05-13T09:05:00Z"),
                ],
                openedAt: "2025-05-13T09:05:00Z")
            let closed = ConflictRecord(id: "c0nf1ict-0000", pledgeId: pledge.id, field: .women, state: .resolved,
                                        candidates: [], openedAt: "2025-05-12T09:00:00Z", resolution: .integer(12), resolvedBy: "SECRETARIAT")
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: pledge.id, fields: result.fields, conflicts: [conflict, closed])],
                                             cursor: "c-5", hasMore: false))

            #expect(try store.conflicts() == [conflict])
            #expect(try store.pledge(pledge.id).conflicts == [conflict])
            #expect(try store.status().openConflicts == 1)

            // When the registry reports the pledge without the conflict, it is no longer open.
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: pledge.id, fields: result.fields, conflicts: [])], cursor: "c-6", hasMore: false))
            #expect(try store.conflicts().isEmpty)
            #expect(try store.status().openConflicts == 0)
        }
    }

    static func openConflict(on pledge: Pledge) -> ConflictRecord {
        ConflictRecord(
            id: "9f0c7a52-conflict", pledgeId: pledge.id, field: .title, state: .open,
            candidates: [
                ConflictCandidate(number: 1, value: .text("Level 2 hospital"), changeId: "a", actor: "KOR", receivedAt: "2025-05-13T09:00:00Z"),
                ConflictCandidate(number: 2, value: .text("Level 2 hospital (Juba)"), changeId: "b", actor: "KOR", receivedAt: "2025-05-13T09:05:00Z"),
            ],
            openedAt: "2025-05-13T09:05:00Z")
    }

    @Test func resolvingTakesACandidateInANewChangeThatNamesTheConflict() throws {
        try withStore { store, _ throws in
            let (pledge, result) = try confirmedPledge(in: store)
            let conflict = Self.openConflict(on: pledge)
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: pledge.id, fields: result.fields, conflicts: [conflict])], cursor: "c", hasMore: false))
            // An ordinary pending edit must stay separate from the resolution.
            try store.edit(pledge.id, setting: [.description: .text("Unrelated pending edit")])

            try store.resolve(conflict: conflict.id, taking: 2, value: nil)

            let preview = try store.unsentPreview()
            try #require(preview.count == 2)
            let resolution = preview[1]
            #expect(resolution.resolves == [conflict.id])
            #expect(resolution.fields == [.title: .text("Level 2 hospital (Juba)")])
            #expect(resolution.bases[.title] == .version(result.fields[.title]!.version))
            #expect(preview[0].resolves.isEmpty)
            #expect(preview[0].fields[.title] == nil)
            #expect(try store.pledge(pledge.id).pledge.title == "Level 2 hospital (Juba)")
        }
    }

    @Test func resolvingWithTheShownValueStillQueuesAResolution() throws {
        try withStore { store, _ throws in
            let (pledge, result) = try confirmedPledge(in: store)
            let conflict = Self.openConflict(on: pledge)
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: pledge.id, fields: result.fields, conflicts: [conflict])], cursor: "c", hasMore: false))

            try store.resolve(conflict: conflict.id, taking: 1, value: nil)
            let preview = try store.unsentPreview()
            try #require(preview.count == 1)
            #expect(preview[0].resolves == [conflict.id])
            #expect(preview[0].fields == [.title: .text("Level 2 hospital")])
        }
    }

    @Test func resolvingWithANewValue() throws {
        try withStore { store, _ throws in
            let (pledge, result) = try confirmedPledge(in: store)
            let conflict = Self.openConflict(on: pledge)
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: pledge.id, fields: result.fields, conflicts: [conflict])], cursor: "c", hasMore: false))

            try store.resolve(conflict: "9f0c7a52", taking: nil, value: "Level 2 hospital, Malakal")
            let preview = try store.unsentPreview()
            try #require(preview.count == 1)
            #expect(preview[0].resolves == [conflict.id])
            #expect(preview[0].fields == [.title: .text("Level 2 hospital, Malakal")])
        }
    }

    @Test func resolvingRefusesUnknownConflictsAndCandidates() throws {
        try withStore { store, _ throws in
            let (pledge, result) = try confirmedPledge(in: store)
            let conflict = Self.openConflict(on: pledge)
            try store.applyPullPage(PullPage(pledges: [PledgeState(id: pledge.id, fields: result.fields, conflicts: [conflict])], cursor: "c", hasMore: false))

            let unknown = #expect(throws: StoreError.self) { try store.resolve(conflict: "no-such-conflict", taking: 1, value: nil) }
            #expect(unknown?.caseName == "conflictNotFound")
            let badCandidate = #expect(throws: StoreError.self) { try store.resolve(conflict: conflict.id, taking: 3, value: nil) }
            #expect(badCandidate?.caseName == "invalid")
            let badValue = #expect(throws: StoreError.self) { try store.resolve(conflict: conflict.id, taking: nil, value: String(repeating: "x", count: 201)) }
            #expect(badValue?.caseName == "invalid")
            #expect(try store.unsentPreview().isEmpty)
        }
    }
}
