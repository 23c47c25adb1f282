import PledgeModel

/// Makes valid, realistic pledges deterministically from an index, so runs are comparable.
struct PledgeFactory {
    /// Eight hex digits that start every id this factory makes, so fixtures never collide.
    let tag: UInt32

    /// Primary areas, cycled through by index.
    private static let areas: [PledgeArea] = [.training, .medical, .technology, .womenPeaceSecurity, .uniformedCapability,
                                              .protectionOfCivilians, .safetySecurity, .environment]
    /// Missions a pledge may name, cycled through by index (all open in 2025).
    private static let missions = ["ANY", "MINUSCA", "UNMISS", "UNIFIL", "MONUSCO"]

    /// The pledge id of `index`: a lowercase UUID.
    func id(_ index: Int) -> String {
        let high = String(tag, radix: 16), low = String(index, radix: 16)
        return String(repeating: "0", count: 8 - high.count) + high + "-0000-4000-8000-"
            + String(repeating: "0", count: max(0, 12 - low.count)) + low
    }

    /// The fields of pledge `index` for `delegation`: a UNIT pledge of about ten fields, as on a real node.
    func fields(_ index: Int, delegation: String) -> FieldMap {
        let area = Self.areas[index % Self.areas.count]
        let personnel = 40 + index % 800
        return [
            .ref: .text("\(delegation)-BER25-\(index)"),
            .delegation: .text(delegation),
            .ministerial: .text("BERLIN_2025"),
            .area: .text(area.rawValue),
            .modality: .text(PledgeModality.unit.rawValue),
            .title: .text("Deploy a level 2 field hospital with \(personnel) personnel (\(index))"),
            .description: .text("Self-sustained for 90 days; rotation every 12 months; includes surgical and dental teams."),
            .personnel: .integer(personnel),
            .women: .integer(personnel / 4 + 1),
            .unitType: .text("LEVEL_2_HOSPITAL"),
            .unitCount: .integer(1),
            .missions: .list([Self.missions[index % Self.missions.count]]),
            .status: .text(PledgeStatus.announced.rawValue),
        ]
    }

    /// Pledge `index` for `delegation`.
    func pledge(_ index: Int, delegation: String) -> Pledge {
        Pledge(id: id(index), fields: fields(index, delegation: delegation))
    }
}
