import Testing
@testable import PledgeModel

/// A valid UNIT pledge to vary in each test.
func makeUnitPledge(_ overrides: FieldMap = [:]) -> Pledge {
    var fields: FieldMap = [
        .delegation: .text("KOR"), .ministerial: .text("BERLIN_2025"), .area: .text("MEDICAL"),
        .modality: .text("UNIT"), .title: .text("Level 2 hospital"), .unitType: .text("LEVEL_2_HOSPITAL"),
        .unitCount: .integer(1), .personnel: .integer(63), .women: .integer(12), .status: .text("ANNOUNCED"),
    ]
    for (field, value) in overrides { fields[field] = value }
    return Pledge(id: "8ed462a8-e42b-4d6b-bc7c-bfacce2a325e", fields: fields)
}

@Suite struct PledgeValidatorTests {
    @Test func aCompleteUnitPledgeIsValid() {
        let report = PledgeValidator.validate(makeUnitPledge())
        #expect(report.errors.isEmpty)
    }

    @Test func womenAbovePersonnelNamesBothFigures() {
        let report = PledgeValidator.validate(makeUnitPledge([.personnel: .integer(120), .women: .integer(130)]))
        #expect(report.errors.map(\.message) == ["women (130) exceeds personnel (120)"])
        #expect(report.errors.first?.field == "women")
    }

    @Test func unknownDelegationIsRefused() {
        let report = PledgeValidator.validate(makeUnitPledge([.delegation: .text("XYZ")]))
        #expect(report.errors.map(\.field) == ["delegation"])
    }

    @Test(arguments: ["-5", "1e6", "12,5", "0", "0.00", "1.234", "", "abc", "1500000.5.0"])
    func amountsThatAreNotPositiveDecimalsAreRefused(amount: String) {
        #expect(!DecimalAmount.isValid(amount))
        let pledge = makeUnitPledge([.modality: .text("FINANCIAL"), .amount: .text(amount), .currency: .text("USD")])
        #expect(PledgeValidator.validate(pledge).errors.contains { $0.field == "amount" })
    }

    @Test(arguments: ["1500000.00", "1", "0.5", "7700000.00"])
    func positiveDecimalAmountsAreAccepted(amount: String) {
        let pledge = makeUnitPledge([.modality: .text("FINANCIAL"), .amount: .text(amount), .currency: .text("USD")])
        #expect(PledgeValidator.validate(pledge).isValid)
    }

    @Test func financialPledgeNeedsAKnownCurrency() {
        let pledge = makeUnitPledge([.modality: .text("FINANCIAL"), .amount: .text("10.00"), .currency: .text("XXX")])
        #expect(PledgeValidator.validate(pledge).errors.map(\.message) == ["currency (XXX) is not an ISO 4217 currency code"])
    }

    @Test func closedMissionIsRefusedForALaterMinisterial() {
        let report = PledgeValidator.validate(makeUnitPledge([.missions: .list(["MINUSMA"])]))
        #expect(report.errors.first?.field == "missions")
        #expect(report.errors.first?.message.contains("closed on 2023-12-31") == true)
        #expect(PledgeValidator.validate(makeUnitPledge([.ministerial: .text("ACCRA_2023"), .missions: .list(["MINUSMA"])])).isValid)
    }

    @Test func availabilityMustBeInOrder() {
        let report = PledgeValidator.validate(makeUnitPledge([.availableFrom: .text("2025-06-01"), .availableUntil: .text("2025-01-01")]))
        #expect(report.errors.map(\.message) == ["availableUntil (2025-01-01) is before availableFrom (2025-06-01)"])
        #expect(!PledgeValidator.validate(makeUnitPledge([.availableFrom: .text("2025-02-30")])).isValid)
    }

    @Test func titleLimitIs200Characters() {
        #expect(PledgeValidator.validate(makeUnitPledge([.title: .text(String(repeating: "é", count: 200))])).isValid)
        let report = PledgeValidator.validate(makeUnitPledge([.title: .text(String(repeating: "a", count: 201))]))
        #expect(report.errors.map(\.message) == ["title (201 characters) exceeds 200 characters"])
    }

    @Test func lengthsCountCharactersNotBytes() {
        // 201 two-byte characters are over the limit; 200 four-byte emoji (800 bytes) are not.
        let long = PledgeValidator.validate(makeUnitPledge([.title: .text(String(repeating: "é", count: 201))]))
        #expect(long.errors.map(\.message) == ["title (201 characters) exceeds 200 characters"])
        #expect(PledgeValidator.validate(makeUnitPledge([.title: .text(String(repeating: "🏥", count: 200))])).isValid)
        #expect(PledgeValidator.validate(makeUnitPledge([.unitType: .text(String(repeating: "A", count: 65))])).errors.map(\.field) == ["unitType"])
    }

    @Test func aUnitTypeIsASCIIUpperCaseLettersDigitsAndUnderscores() {
        #expect(PledgeValidator.validate(makeUnitPledge([.unitType: .text("LEVEL_2_HOSPITAL")])).isValid)
        for refused in ["level_2_hospital", "LEVEL-2", "LEVEL 2", "ÉQUIPE", "LEVEL_２"] {
            let report = PledgeValidator.validate(makeUnitPledge([.unitType: .text(refused)]))
            #expect(report.errors.map(\.field) == ["unitType"], "\(refused)")
        }
    }

    @Test func aNULCharacterIsRefusedInTextsAndLists() {
        #expect(PledgeValidator.validate(makeUnitPledge([.description: .text("before\u{0}after")])).errors.map(\.field) == ["description"])
        #expect(PledgeValidator.validate(makeUnitPledge([.missions: .list(["ANY\u{0}"])])).errors.map(\.field).contains("missions"))
        // At either end of the bytes, and in a later item of a list; an empty text holds none.
        #expect(PledgeValidator.validate(makeUnitPledge([.description: .text("\u{0}")])).errors.map(\.field) == ["description"])
        #expect(PledgeValidator.validate(makeUnitPledge([.title: .text("Level 2 hospital\u{0}")])).errors.map(\.field) == ["title"])
        #expect(PledgeValidator.validate(makeUnitPledge([.partners: .list(["FRA", "G\u{0}HA"])])).errors.map(\.field).contains("partners"))
        #expect(!PledgeValidator.validate(makeUnitPledge([.description: .text("")])).errors.contains { $0.message.contains("NUL") })
    }

    @Test func aReferenceIsOneLineByEveryNewlineCharacterSwiftKnows() {
        // Every character `Character.isNewline` names, CR LF among them, and none of the other spaces.
        let breaks = ["\n", "\u{0B}", "\u{0C}", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"]
        for separator in breaks {
            let isNewline = separator.allSatisfy(\.isNewline)
            #expect(isNewline)
            let fields = PledgeValidator.validate(makeUnitPledge([.ref: .text("KOR" + separator + "2025")])).errors.map(\.field)
            let scalars = separator.unicodeScalars.map(\.value)
            #expect(fields == ["ref"], "separator \(scalars)")
        }
        for space in ["\t", " ", "\u{A0}", "\u{3000}"] {
            let isNewline = space.contains(where: \.isNewline)
            #expect(!isNewline)
            let errors = PledgeValidator.validate(makeUnitPledge([.ref: .text("KOR" + space + "2025")])).errors
            #expect(errors.isEmpty)
        }
    }

    @Test func datesAreExactlyYearMonthDayInASCIIDigits() {
        for text in ["2024-02-29", "2025-12-31", "0001-01-01"] {
            #expect(CalendarDate(text) != nil, "\(text)")
        }
        for text in ["2025-02-29", "1900-02-29", "2025-13-01", "2025-00-10", "2025-01-00", "2025-1-01", "25-01-01", "2025-01-01 ",
                     "2025/01/01", "+025-01-01", "2025-0a-01", "２０２５-01-01", "2025-01-011", ""] {
            #expect(CalendarDate(text) == nil, "\(text)")
        }
        #expect(CalendarDate("2024-02-29").map { [$0.year, $0.month, $0.day] } == [2024, 2, 29])
    }

    @Test func unitPledgeNeedsTypeAndCount() {
        let report = PledgeValidator.validate(makeUnitPledge([.unitType: .null, .unitCount: .null]))
        #expect(Set(report.errors.map(\.field)) == ["unitType", "unitCount"])
    }

    @Test func partnersExcludeThePledger() {
        let report = PledgeValidator.validate(makeUnitPledge([.partners: .list(["KOR", "GHA"])]))
        #expect(report.errors.map(\.field) == ["partners"])
    }

    @Test func lowWomenShareIsOnlyAWarning() {
        let report = PledgeValidator.validate(makeUnitPledge([.personnel: .integer(100), .women: .integer(1)]))
        #expect(report.isValid)
        #expect(report.warnings.first?.field == "women")
    }

    @Test func wrongValueKindsAreNamed() {
        let report = PledgeValidator.validate(makeUnitPledge([.personnel: .text("many")]))
        #expect(report.errors.map(\.message) == ["personnel must be an integer"])
    }
}

@Suite struct ReferenceDataTests {
    @Test func everyMemberStateIsListedOnce() {
        let members = ReferenceData.delegations.filter { $0.kind == .memberState }
        #expect(members.count == 193)
        #expect(Set(ReferenceData.delegations.map(\.code)).count == ReferenceData.delegations.count)
        #expect(ReferenceData.delegationsByCode["ORG-EU"]?.kind == .organisation)
        #expect(ReferenceData.delegationsByCode["UN-DOS"]?.kind == .unEntity)
    }

    @Test func ministerialsRunFromLondonToBerlin() {
        let codes = ReferenceData.ministerials.map(\.code)
        for code in ["LONDON_2016", "SEOUL_2021", "ACCRA_2023", "BERLIN_2025", "INTERSESSIONAL"] { #expect(codes.contains(code)) }
    }
}
