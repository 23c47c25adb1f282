import Foundation
import PledgeModel
import PledgeStore
import Testing

@Suite("NodeStore: identity and creating pledges")
struct NodeStoreCreateTests {
    @Test func identityIsRequiredThenKeptAcrossReopening() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("node.sqlite")
        let store = try NodeStore(path: path)
        let beforeInit = #expect(throws: StoreError.self) { try store.identity() }
        #expect(beforeInit?.caseName == "notInitialized")
        #expect(throws: StoreError.self) { try store.create(unitFields()) }

        let identity = NodeIdentity(delegation: "KOR", device: "KOR-laptop-1", registryURL: "https://registry.example.org")
        try store.initialize(identity)
        #expect(try store.identity() == identity)
        #expect(try store.identity().principal == .delegation("KOR"))

        let again = #expect(throws: StoreError.self) { try store.initialize(NodeIdentity(delegation: "GHA", device: "other")) }
        #expect(again?.caseName == "alreadyInitialized")

        let reopened = try NodeStore(path: path)
        #expect(try reopened.identity() == identity)
        let status = try reopened.status()
        #expect(status.delegation == "KOR")
        #expect(status.device == "KOR-laptop-1")
        #expect(status.pledges == 0)
        #expect(status.pendingChanges == 0)
    }

    @Test func secretariatIdentityHasNoDelegation() throws {
        try withStore(delegation: nil) { store, _ throws in
            #expect(try store.identity().delegation == nil)
            #expect(try store.identity().principal == .secretariat)
        }
    }

    @Test func createFillsDelegationStatusAndReference() throws {
        try withStore { store, _ throws in
            let first = try store.create(unitFields()).pledge
            #expect(first.delegation == "KOR")
            #expect(first.status == .announced)
            #expect(first.text(.status) == "ANNOUNCED")
            #expect(first.text(.ref) == "KOR-BER25-001")
            #expect(CanonicalUUID(first.id)?.text == first.id)

            let second = try store.create(unitFields([.title: .text("Second hospital")])).pledge
            #expect(second.text(.ref) == "KOR-BER25-002")
            #expect(second.id != first.id)

            // References count per ministerial.
            let accra = try store.create(unitFields([.ministerial: .text("ACCRA_2023")])).pledge
            #expect(accra.text(.ref) == "KOR-ACC23-001")

            let records = try store.pledges()
            #expect(records.map(\.pledge.id) == [first.id, second.id, accra.id])
            #expect(records.map(\.pledge) == [first, second, accra])
            #expect(records.allSatisfy { !$0.isOnRegistry && $0.isUnsynced && $0.versions.isEmpty })
            #expect(try store.pledge("KOR-BER25-002").pledge.id == second.id)
            #expect(try store.pledge(String(first.id.prefix(8))).pledge.id == first.id)
            #expect(try store.status().pledges == 3)
        }
    }

    @Test func createKeepsAGivenIdInCanonicalForm() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields(), id: "8ED462A8-E42B-4D6B-BC7C-BFACCE2A325E").pledge
            #expect(pledge.id == "8ed462a8-e42b-4d6b-bc7c-bfacce2a325e")
            let duplicate = #expect(throws: StoreError.self) { try store.create(unitFields(), id: pledge.id) }
            #expect(duplicate?.caseName == "invalid")
            #expect(try store.pledges().count == 1)
        }
    }

    @Test func createReturnsAdvisoryWarningsButStoresThePledge() throws {
        try withStore { store, _ throws in
            let (pledge, warnings) = try store.create(unitFields([.personnel: .integer(100), .women: .integer(1)]))
            #expect(warnings.contains { $0.field == "women" })
            #expect(try store.pledge(pledge.id).pledge == pledge)
        }
    }

    static let invalidInputs: [(String, FieldMap, String)] = [
        ("women over personnel", [.personnel: .integer(120), .women: .integer(130)], "women"),
        ("negative amount", [.modality: .text("FINANCIAL"), .amount: .text("-5"), .currency: .text("USD")], "amount"),
        ("float amount", [.modality: .text("FINANCIAL"), .amount: .text("1e6"), .currency: .text("USD")], "amount"),
        ("comma amount", [.modality: .text("FINANCIAL"), .amount: .text("12,5"), .currency: .text("USD")], "amount"),
        ("unknown currency", [.modality: .text("FINANCIAL"), .amount: .text("100.00"), .currency: .text("XYZ")], "currency"),
        ("closed mission", [.missions: .list(["MINUSMA"])], "missions"),
        ("until before from", [.availableFrom: .text("2026-01-01"), .availableUntil: .text("2025-12-31")], "availableUntil"),
        ("201-character title", [.title: .text(String(repeating: "t", count: 201))], "title"),
        ("empty title", [.title: .null], "title"),
        ("unit without unit type", [.unitType: .null], "unitType"),
        ("unknown area", [.area: .text("FISHING")], "area"),
        ("partner is the pledger", [.partners: .list(["KOR"])], "partners"),
    ]

    @Test(arguments: invalidInputs)
    func createRefusesInvalidPledgesAndWritesNothing(_ name: String, overrides: FieldMap, field: String) throws {
        try withStore { store, _ throws in
            let kept = try store.create(unitFields()).pledge
            let before = try store.status()
            let previewBefore = try store.unsentPreview()

            let error = #expect(throws: StoreError.self, "\(name)") { try store.create(unitFields(overrides)) }
            let issues = try #require(error?.invalidIssues)
            #expect(issues.map(\.field).contains(field), "\(name): \(issues)")

            #expect(try store.pledges().map(\.pledge) == [kept])
            #expect(try store.status().pendingChanges == before.pendingChanges)
            #expect(try store.status().pledges == before.pledges)
            #expect(try store.unsentPreview() == previewBefore)
            // The failed attempt did not consume a reference number.
            #expect(try store.create(unitFields()).pledge.text(.ref) == "KOR-BER25-002")
        }
    }

    @Test func secretariatCannotCreateForAnUnknownDelegation() throws {
        try withStore(delegation: nil) { store, _ throws in
            let error = #expect(throws: StoreError.self) { try store.create(unitFields([.delegation: .text("XYZ")])) }
            let issues = try #require(error?.invalidIssues)
            #expect(issues.map(\.field).contains("delegation"))
            #expect(try store.status().pledges == 0)
            #expect(try store.status().pendingChanges == 0)

            let gha = try store.create(unitFields([.delegation: .text("GHA")])).pledge
            #expect(gha.text(.ref) == "GHA-BER25-001")
        }
    }

    @Test func delegationCannotCreateAnotherDelegationsPledge() throws {
        try withStore { store, _ throws in
            let error = #expect(throws: StoreError.self) { try store.create(unitFields([.delegation: .text("GHA")])) }
            #expect(error?.caseName == "forbidden")
            #expect(try store.status().pledges == 0)
            #expect(try store.status().pendingChanges == 0)
        }
    }

    @Test func editAndWithdrawChangeTheCurrentView() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            try store.edit(pledge.id, setting: [.women: .integer(20), .description: .text("Deployable in 60 days")])
            var record = try store.pledge(pledge.id)
            #expect(record.pledge.integer(.women) == 20)
            #expect(record.pledge.text(.description) == "Deployable in 60 days")

            let invalid = #expect(throws: StoreError.self) { try store.edit(pledge.id, setting: [.women: .integer(64)]) }
            #expect(invalid?.caseName == "invalid")
            #expect(try store.pledge(pledge.id).pledge.integer(.women) == 20)

            try store.withdraw("KOR-BER25-001", reason: "Budget cut")
            record = try store.pledge(pledge.id)
            #expect(record.pledge.status == .withdrawn)
            #expect(record.pledge.text(.withdrawalReason) == "Budget cut")
            #expect(try store.pledges().count == 1)
        }
    }
}
