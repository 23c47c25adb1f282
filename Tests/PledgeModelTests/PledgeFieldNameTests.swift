import Testing
@testable import PledgeModel

/// `PledgeField.named` decodes every field map key: it must find exactly what `init(rawValue:)` finds.
@Suite struct PledgeFieldNameTests {
    @Test func everyFieldIsFoundByItsName() {
        for field in PledgeField.allCases {
            #expect(PledgeField.named(field.rawValue) == field, "\(field.rawValue)")
        }
    }

    @Test func aNameThatIsNotExactlyAFieldsIsNotFound() {
        var near: [String] = ["", "x", "Title", "TITLE", "titl", "titles", " title", "title\u{0}", "tit\u{301}le", "títle",
                              "withdrawalReasons", String(repeating: "a", count: 200), "unittype", "unit_type"]
        // Every field's name one byte short, one byte long, reversed and in capitals.
        for field in PledgeField.allCases {
            let name = field.rawValue
            near.append(String(name.dropLast()))
            near.append(name + "s")
            near.append(String(name.reversed()))
            near.append(name.uppercased())
        }
        for name in near where PledgeField(rawValue: name) == nil {
            #expect(PledgeField.named(name) == nil, "\(name)")
        }
        // Both agree on every name tried, found or not.
        for name in near { #expect(PledgeField.named(name) == PledgeField(rawValue: name), "\(name)") }
    }
}
