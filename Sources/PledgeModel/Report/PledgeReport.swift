/// Totals of pledges grouped by area, delegation or ministerial; pure arithmetic over pledges.
public struct PledgeReport: Codable, Sendable, Hashable {
    /// What the rows are grouped by.
    public enum Grouping: String, Codable, Sendable, CaseIterable {
        case area, delegation, ministerial
    }

    /// Totals for one group.
    public struct Row: Codable, Sendable, Hashable {
        /// The group's key (an area, a delegation code, a ministerial code).
        public var key: String
        /// Active pledges in the group.
        public var pledges: Int
        /// Units pledged (sum of unitCount).
        public var units: Int
        /// Personnel pledged.
        public var personnel: Int
        /// Women among the personnel.
        public var women: Int
        /// Women as a share of personnel (nil without personnel).
        public var womenShare: Double?
        /// Amounts per ISO 4217 currency, exact decimals as strings.
        public var amounts: [String: String]
        /// The gender-parity target share for the group's year (rows grouped by ministerial only).
        public var womenShareTarget: Double?
    }

    /// The grouping used.
    public var groupedBy: Grouping
    /// One row per group, sorted by key.
    public var rows: [Row]
    /// The sum of all rows.
    public var total: Row
    /// Pledges left out because they are withdrawn, lapsed or superseded.
    public var inactivePledges: Int
    /// Open conflicts among the pledges reported.
    public var openConflicts: Int
    /// References (or ids) of pledges the Secretariat has queried.
    public var queriedPledges: [String]

    /// Builds the report over active pledges (withdrawn, lapsed and superseded ones are counted apart).
    public init(pledges: [Pledge], groupedBy grouping: Grouping, openConflicts: Int = 0) {
        groupedBy = grouping
        self.openConflicts = openConflicts
        queriedPledges = pledges.filter { $0.review == .queried }.map { $0.text(.ref) ?? $0.id }
        let active = pledges.filter { $0.status.isActive }
        inactivePledges = pledges.count - active.count
        let groups = Dictionary(grouping: active) { pledge -> String in
            switch grouping {
            case .area: return pledge.text(.area) ?? ""
            case .delegation: return pledge.delegation
            case .ministerial: return pledge.ministerial
            }
        }
        rows = groups.keys.sorted().map { key in
            var row = PledgeReport.total(groups[key]!, key: key)
            if grouping == .ministerial, let year = ReferenceData.ministerialsByCode[key]?.year, year > 0 {
                row.womenShareTarget = ReferenceData.womenShareTarget(year: year)
            }
            return row
        }
        total = PledgeReport.total(active, key: "TOTAL")
    }

    private static func total(_ pledges: [Pledge], key: String) -> Row {
        var cents: [String: Int64] = [:]
        for pledge in pledges {
            if let currency = pledge.text(.currency), let amount = pledge.text(.amount).flatMap(DecimalAmount.hundredths) {
                cents[currency, default: 0] += amount
            }
        }
        let personnel = pledges.reduce(0) { $0 + ($1.integer(.personnel) ?? 0) }
        let women = pledges.reduce(0) { $0 + ($1.integer(.women) ?? 0) }
        return Row(key: key, pledges: pledges.count,
                   units: pledges.reduce(0) { $0 + ($1.integer(.unitCount) ?? 0) },
                   personnel: personnel, women: women,
                   womenShare: personnel > 0 ? Double(women) / Double(personnel) : nil,
                   amounts: cents.mapValues { DecimalAmount.format(hundredths: $0) }, womenShareTarget: nil)
    }
}
