import Testing
@testable import PledgeModel

@Suite struct WriteRulesTests {
    @Test func delegationCannotTouchAnotherDelegationsPledge() {
        let reasons = WriteRules.violations(by: .delegation("GHA"), existing: makeUnitPledge(), setting: [.title: .text("x")])
        #expect(reasons.map(\.code) == ["not-your-pledge"])
    }

    @Test func delegationCannotSetSecretariatFields() {
        let reasons = WriteRules.violations(by: .delegation("KOR"), existing: makeUnitPledge(),
                                            setting: [.review: .text("ACCEPTED"), .registryRef: .text("PKM-1")])
        #expect(reasons.map(\.code) == ["forbidden-field", "forbidden-field"])
        #expect(WriteRules.violations(by: .secretariat, existing: makeUnitPledge(), setting: [.review: .text("ACCEPTED")]).isEmpty)
    }

    @Test func delegationCannotSetSecretariatStatuses() {
        let reasons = WriteRules.violations(by: .delegation("KOR"), existing: makeUnitPledge(), setting: [.status: .text("VERIFIED")])
        #expect(reasons.map(\.code) == ["forbidden-status"])
        #expect(WriteRules.violations(by: .delegation("KOR"), existing: makeUnitPledge(), setting: [.status: .text("WITHDRAWN")]).isEmpty)
    }

    @Test func delegationIsFixedAtCreation() {
        let reasons = WriteRules.violations(by: .secretariat, existing: makeUnitPledge(), setting: [.delegation: .text("GHA")])
        #expect(reasons.map(\.code) == ["fixed-field"])
    }

    @Test func delegationCreatesOnlyItsOwnPledges() {
        let reasons = WriteRules.violations(by: .delegation("GHA"), existing: nil, setting: makeUnitPledge().fields)
        #expect(reasons.map(\.code) == ["not-your-pledge"])
    }
}
