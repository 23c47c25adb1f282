import ArgumentParser
import PledgeModel

/// The options that set pledge fields, shared by `add` and `edit`.
///
/// Values are taken as text and parsed by the model, so an error names the field and the rule
/// (`personnel (x) must be a whole number`) and negative numbers reach the validator.
struct PledgeFieldOptions: ParsableArguments {
    @Option(help: "Ministerial: LONDON_2016 … BERLIN_2025, or INTERSESSIONAL.") var ministerial: String?
    @Option(help: "Primary area, e.g. MEDICAL, TRAINING, WOMEN_PEACE_SECURITY.") var area: String?
    @Option(name: .customLong("secondary-area"), help: "A secondary area (repeat for several).") var areas: [String] = []
    @Option(help: "Modality: UNIT, INDIVIDUAL_PERSONNEL, TRAINING, EQUIPMENT, FINANCIAL, TECHNOLOGY, POLICY.") var modality: String?
    @Option(help: "Title, at most 200 characters.") var title: String?
    @Option(help: "Free-text description.") var description: String?
    @Option(parsing: .unconditional, help: "Number of personnel.") var personnel: String?
    @Option(parsing: .unconditional, help: "Number of women among the personnel.") var women: String?
    @Option(name: .customLong("unit-type"), help: "Unit type for UNIT pledges, e.g. LEVEL_2_HOSPITAL.") var unitType: String?
    @Option(name: .customLong("unit-count"), parsing: .unconditional, help: "Number of units for UNIT pledges.") var unitCount: String?
    @Option(parsing: .unconditional, help: "Number of courses for TRAINING pledges.") var courses: String?
    @Option(parsing: .unconditional, help: "Number of participants for TRAINING pledges.") var participants: String?
    @Option(parsing: .unconditional, help: "Amount as a decimal, e.g. 1500000.00 (FINANCIAL pledges).") var amount: String?
    @Option(help: "ISO 4217 currency of the amount, e.g. USD.") var currency: String?
    @Option(name: .customLong("partner"), help: "A partner delegation in a joint pledge (repeat for several).") var partners: [String] = []
    @Option(name: .customLong("mission"), help: "A target mission acronym, or ANY (repeat for several).") var missions: [String] = []
    @Option(name: .customLong("from"), help: "Available from, yyyy-MM-dd.") var availableFrom: String?
    @Option(name: .customLong("until"), help: "Available until, yyyy-MM-dd.") var availableUntil: String?
    @Option(help: "Status, e.g. FORMALLY_NOTIFIED (the Secretariat sets REGISTERED and later).") var status: String?
    @Option(help: "Human reference, e.g. KOR-BER25-003 (minted when omitted).") var ref: String?
    @Option(name: .customLong("pcrs-level"), help: "PCRS level (Secretariat only).") var pcrsLevel: String?

    /// The fields given on the command line, parsed; throws every parse error at once.
    func fieldMap() throws(ValidationFailure) -> FieldMap {
        let texts: [(PledgeField, String?)] = [
            (.ministerial, ministerial), (.area, area), (.modality, modality), (.title, title), (.description, description),
            (.personnel, personnel), (.women, women), (.unitType, unitType), (.unitCount, unitCount), (.courses, courses),
            (.participants, participants), (.amount, amount), (.currency, currency), (.availableFrom, availableFrom),
            (.availableUntil, availableUntil), (.status, status), (.ref, ref), (.pcrsLevel, pcrsLevel),
        ]
        var fields = FieldMap()
        var issues: [ValidationIssue] = []
        for (field, text) in texts {
            guard let text else { continue }
            do { fields[field] = try FieldValue.parse(text, for: field) } catch { issues += error.issues }
        }
        for (field, items) in [(PledgeField.areas, areas), (.partners, partners), (.missions, missions)] where !items.isEmpty {
            fields[field] = .list(items.flatMap { $0.split(separator: ";").map { String($0).trimmingWhitespace() } }.filter { !$0.isEmpty })
        }
        guard issues.isEmpty else { throw ValidationFailure(issues) }
        return fields
    }
}
