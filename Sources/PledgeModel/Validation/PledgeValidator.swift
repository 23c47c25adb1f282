import Foundation

/// The rules a pledge must meet (DESIGN section 3), applied identically on nodes and on the registry.
public enum PledgeValidator {
    /// Longest title accepted, in characters.
    public static let maximumTitleLength = 200
    /// Longest description or note accepted, in characters.
    public static let maximumTextLength = 5_000
    /// Largest integer accepted for counts (personnel, courses, …).
    public static let maximumCount = 10_000_000

    /// Checks every rule and returns all errors and warnings, in field order.
    public static func validate(_ pledge: Pledge) -> ValidationReport {
        var report = ValidationReport()
        checkKinds(pledge, into: &report)
        guard report.isValid else { return report }
        checkCodes(pledge, into: &report)
        checkText(pledge, into: &report)
        checkCounts(pledge, into: &report)
        checkModality(pledge, into: &report)
        checkAmount(pledge, into: &report)
        checkPartnersAndMissions(pledge, into: &report)
        checkDates(pledge, into: &report)
        checkWomenShareTarget(pledge, into: &report)
        return report
    }

    /// Throws every error of `validate(_:)`; returns the warnings.
    @discardableResult
    public static func check(_ pledge: Pledge) throws(ValidationFailure) -> [ValidationIssue] {
        let report = validate(pledge)
        guard report.isValid else { throw ValidationFailure(report.errors) }
        return report.warnings
    }

    private static func checkKinds(_ pledge: Pledge, into report: inout ValidationReport) {
        if CanonicalUUID(pledge.id) == nil {
            report.errors.append(ValidationIssue(fieldName: "id", message: "id (\(pledge.id.prefix(60))) must be a UUID"))
        }
        // A field map iterates in field order, so the errors come out in that order without sorting.
        for (field, value) in pledge.fields {
            let matches: Bool
            switch (field.kind, value) {
            case (.text, .text), (.integer, .integer), (.list, .list), (_, .null): matches = true
            default: matches = false
            }
            if !matches {
                report.errors.append(ValidationIssue(field, "\(field.rawValue) must be \(field.kind.article)"))
            }
        }
    }

    private static func checkCodes(_ pledge: Pledge, into report: inout ValidationReport) {
        func require<T: RawRepresentable>(_ field: PledgeField, _ type: T.Type, required: Bool) where T.RawValue == String, T: CaseIterable {
            guard let value = pledge.text(field) else {
                if required { report.errors.append(ValidationIssue(field, "\(field.rawValue) is required")) }
                return
            }
            if T(rawValue: value) == nil {
                let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
                report.errors.append(ValidationIssue(field, "\(field.rawValue) (\(value.prefix(60))) must be one of \(allowed)"))
            }
        }
        if let code = pledge.text(.delegation) {
            if ReferenceData.delegationsByCode[code] == nil {
                report.errors.append(ValidationIssue(.delegation, "delegation (\(code.prefix(60))) is not a known delegation code (ISO 3166-1 alpha-3, ORG-XX or UN-XX)"))
            }
        } else {
            report.errors.append(ValidationIssue(.delegation, "delegation is required"))
        }
        if let code = pledge.text(.ministerial) {
            if ReferenceData.ministerialsByCode[code] == nil {
                let allowed = ReferenceData.ministerials.map(\.code).joined(separator: ", ")
                report.errors.append(ValidationIssue(.ministerial, "ministerial (\(code.prefix(60))) must be one of \(allowed)"))
            }
        } else {
            report.errors.append(ValidationIssue(.ministerial, "ministerial is required"))
        }
        require(.area, PledgeArea.self, required: true)
        require(.modality, PledgeModality.self, required: true)
        require(.status, PledgeStatus.self, required: false)
        require(.pcrsLevel, PCRSLevel.self, required: false)
        require(.review, ReviewState.self, required: false)
        let areas = pledge.list(.areas)
        for area in areas where PledgeArea(rawValue: area) == nil {
            report.errors.append(ValidationIssue(.areas, "areas (\(area.prefix(60))) must each be one of \(PledgeArea.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        if let primary = pledge.text(.area), areas.contains(primary) {
            report.errors.append(ValidationIssue(.areas, "areas must not repeat the primary area (\(primary))"))
        }
        if Set(areas).count != areas.count {
            report.errors.append(ValidationIssue(.areas, "areas must not list an area twice"))
        }
        if let supersededBy = pledge.text(.supersededBy), CanonicalUUID(supersededBy) == nil {
            report.errors.append(ValidationIssue(.supersededBy, "supersededBy must be a pledge id (UUID)"))
        }
    }

    /// Whether `scalar` makes a character a newline (`Character.isNewline`: LF, VT, FF, CR, NEL and the
    /// line and paragraph separators). Each is a grapheme of its own (or CR LF), so finding one among
    /// a text's scalars is the same test as among its characters, without walking graphemes.
    private static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func checkText(_ pledge: Pledge, into report: inout ValidationReport) {
        // Lengths are in characters, but a text no longer in UTF-8 bytes than the limit is within it
        // in characters too, so characters are only counted (grapheme by grapheme) for long texts.
        func characters(_ text: String, exceed limit: Int) -> Bool {
            text.utf8.count > limit && text.count > limit
        }
        let title = pledge.title
        if title.allSatisfy(\.isWhitespace) {
            report.errors.append(ValidationIssue(.title, "title is required"))
        } else if characters(title, exceed: maximumTitleLength) {
            report.errors.append(ValidationIssue(.title, "title (\(title.count) characters) exceeds \(maximumTitleLength) characters"))
        }
        for field in [PledgeField.description, .reviewNote, .withdrawalReason] {
            if let text = pledge.text(field), characters(text, exceed: maximumTextLength) {
                report.errors.append(ValidationIssue(field, "\(field.rawValue) (\(text.count) characters) exceeds \(maximumTextLength) characters"))
            }
        }
        for field in [PledgeField.ref, .registryRef, .unitType] {
            if let text = pledge.text(field), characters(text, exceed: 64) || text.unicodeScalars.contains(where: isNewline) {
                report.errors.append(ValidationIssue(field, "\(field.rawValue) must be a single line of at most 64 characters"))
            }
        }
        // U+0000 is the only scalar whose UTF-8 form holds a zero byte. Searched with `memchr` where
        // the string keeps its bytes (byte by byte through `utf8` was 1.3% of the registry's push).
        func holdsNUL(_ text: String) -> Bool {
            var text = text
            // A buffer without an address holds no bytes, so no NUL.
            return text.withUTF8 { bytes in bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false }
        }
        for (field, value) in pledge.fields {
            let hasNUL: Bool
            switch value {
            case .text(let text): hasNUL = holdsNUL(text)
            case .list(let items): hasNUL = items.contains(where: holdsNUL)
            case .integer, .null: continue
            }
            if hasNUL {
                report.errors.append(ValidationIssue(field, "\(field.rawValue) must not contain NUL characters"))
            }
        }
    }

    private static func checkCounts(_ pledge: Pledge, into report: inout ValidationReport) {
        for field in PledgeField.allCases where field.kind == .integer {
            guard let value = pledge.integer(field) else { continue }
            if value < 0 {
                report.errors.append(ValidationIssue(field, "\(field.rawValue) (\(value)) must not be negative"))
            } else if value > maximumCount {
                report.errors.append(ValidationIssue(field, "\(field.rawValue) (\(value)) exceeds \(maximumCount)"))
            }
        }
        if let women = pledge.integer(.women) {
            if let personnel = pledge.integer(.personnel) {
                if women > personnel {
                    report.errors.append(ValidationIssue(.women, "women (\(women)) exceeds personnel (\(personnel))"))
                }
            } else if women > 0 {
                report.errors.append(ValidationIssue(.women, "women (\(women)) requires personnel"))
            }
        }
    }

    private static func checkModality(_ pledge: Pledge, into report: inout ValidationReport) {
        guard let modality = pledge.text(.modality).flatMap(PledgeModality.init(rawValue:)) else { return }
        if modality == .unit {
            if let unitType = pledge.text(.unitType) {
                // ASCII upper-case letters, digits and underscores: checked on bytes, not graphemes.
                if !unitType.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") }) {
                    report.errors.append(ValidationIssue(.unitType, "unitType (\(unitType.prefix(60))) must be upper-case letters, digits and underscores, e.g. LEVEL_2_HOSPITAL"))
                }
            } else {
                report.errors.append(ValidationIssue(.unitType, "unitType is required for a UNIT pledge"))
            }
            if let count = pledge.integer(.unitCount) {
                if count < 1 { report.errors.append(ValidationIssue(.unitCount, "unitCount (\(count)) must be at least 1 for a UNIT pledge")) }
            } else {
                report.errors.append(ValidationIssue(.unitCount, "unitCount is required for a UNIT pledge"))
            }
        }
        if modality == .financial {
            if pledge.text(.amount) == nil { report.errors.append(ValidationIssue(.amount, "amount is required for a FINANCIAL pledge")) }
            if pledge.text(.currency) == nil { report.errors.append(ValidationIssue(.currency, "currency is required for a FINANCIAL pledge")) }
        }
    }

    private static func checkAmount(_ pledge: Pledge, into report: inout ValidationReport) {
        if let amount = pledge.text(.amount) {
            if !DecimalAmount.isValid(amount) {
                report.errors.append(ValidationIssue(.amount, "amount (\(amount.prefix(60))) must be a positive decimal number with at most 2 decimals, e.g. 1500000.00"))
            }
            if pledge.text(.currency) == nil {
                report.errors.append(ValidationIssue(.currency, "currency is required with an amount"))
            }
        }
        if let currency = pledge.text(.currency) {
            if !ReferenceData.currencies.contains(currency) {
                report.errors.append(ValidationIssue(.currency, "currency (\(currency.prefix(60))) is not an ISO 4217 currency code"))
            }
            if pledge.text(.amount) == nil, pledge.text(.modality) != PledgeModality.financial.rawValue {
                report.errors.append(ValidationIssue(.amount, "amount is required with a currency"))
            }
        }
    }

    private static func checkPartnersAndMissions(_ pledge: Pledge, into report: inout ValidationReport) {
        let partners = pledge.list(.partners)
        for partner in partners {
            if partner == pledge.delegation {
                report.errors.append(ValidationIssue(.partners, "partners must not include the pledging delegation (\(partner))"))
            } else if ReferenceData.delegationsByCode[partner] == nil {
                report.errors.append(ValidationIssue(.partners, "partners (\(partner.prefix(60))) is not a known delegation code"))
            }
        }
        if Set(partners).count != partners.count {
            report.errors.append(ValidationIssue(.partners, "partners must not list a delegation twice"))
        }
        let missions = pledge.list(.missions)
        let referenceDate = pledge.text(.availableFrom).flatMap(CalendarDate.init)
            ?? ReferenceData.ministerialsByCode[pledge.ministerial]?.startDate.flatMap(CalendarDate.init)
        for acronym in missions where acronym != "ANY" {
            guard let mission = ReferenceData.missionsByAcronym[acronym] else {
                report.errors.append(ValidationIssue(.missions, "missions (\(acronym.prefix(60))) is not a known mission acronym (or ANY)"))
                continue
            }
            if let end = mission.endDate.flatMap(CalendarDate.init), let date = referenceDate, date > end {
                report.errors.append(ValidationIssue(.missions, "missions (\(acronym)) closed on \(end), before this pledge (\(date))"))
            }
        }
        if missions.contains("ANY"), missions.count > 1 {
            report.errors.append(ValidationIssue(.missions, "missions: ANY cannot be combined with named missions"))
        }
    }

    private static func checkDates(_ pledge: Pledge, into report: inout ValidationReport) {
        var from: CalendarDate?, until: CalendarDate?
        for field in [PledgeField.availableFrom, .availableUntil] {
            guard let text = pledge.text(field) else { continue }
            guard let date = CalendarDate(text) else {
                report.errors.append(ValidationIssue(field, "\(field.rawValue) (\(text.prefix(60))) must be a date as yyyy-MM-dd"))
                continue
            }
            if field == .availableFrom { from = date } else { until = date }
        }
        if let from, let until, until < from {
            report.errors.append(ValidationIssue(.availableUntil, "availableUntil (\(until)) is before availableFrom (\(from))"))
        }
    }

    private static func checkWomenShareTarget(_ pledge: Pledge, into report: inout ValidationReport) {
        guard let share = pledge.womenShare, let year = ReferenceData.ministerialsByCode[pledge.ministerial]?.year else { return }
        let target = ReferenceData.womenShareTarget(year: year)
        if share < target {
            report.warnings.append(ValidationIssue(.women, "women share \(Percent.format(share)) is under the \(year) gender-parity target of \(Percent.format(target)) (advisory)"))
        }
    }
}

extension PledgeField.Kind {
    fileprivate var article: String {
        switch self {
        case .text: return "a string"
        case .integer: return "an integer"
        case .list: return "a list of strings"
        }
    }
}
