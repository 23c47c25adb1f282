/// A pledging party: a Member State, an observer state, an organisation or a UN entity.
public struct Delegation: Sendable, Hashable {
    /// What kind of party a delegation is.
    public enum Kind: String, Sendable { case memberState, observerState, organisation, unEntity }
    /// ISO 3166-1 alpha-3 for states, `ORG-XX` for organisations, `UN-XX` for UN entities.
    public let code: String
    /// The party's common English name.
    public let name: String
    /// The kind of party.
    public let kind: Kind

    /// Creates a delegation entry.
    public init(_ code: String, _ name: String, _ kind: Kind = .memberState) {
        self.code = code
        self.name = name
        self.kind = kind
    }
}

/// A UN Peacekeeping Ministerial (or the intersessional period between them).
public struct Ministerial: Sendable, Hashable {
    /// Identifier such as `BERLIN_2025`.
    public let code: String
    /// Human name, e.g. "UN Peacekeeping Ministerial, Berlin".
    public let name: String
    /// Year the meeting took place; pledges are counted against that year's targets.
    public let year: Int
    /// ISO date of the first day of the meeting (nil for `INTERSESSIONAL`).
    public let startDate: String?
    /// ISO date of the last day of the meeting (nil for `INTERSESSIONAL`).
    public let endDate: String?
    /// Short form used in human references (`BER25`).
    public let shortCode: String

    /// Creates a ministerial entry.
    public init(code: String, name: String, year: Int, startDate: String?, endDate: String?, shortCode: String) {
        self.code = code
        self.name = name
        self.year = year
        self.startDate = startDate
        self.endDate = endDate
        self.shortCode = shortCode
    }
}

/// A UN peacekeeping operation a pledge may target.
public struct Mission: Sendable, Hashable {
    /// Acronym such as `UNMISS`.
    public let acronym: String
    /// Full name of the mission.
    public let name: String
    /// ISO date the mission was established.
    public let startDate: String
    /// ISO date the mandate ended, nil while the mission is active.
    public let endDate: String?

    /// Creates a mission entry.
    public init(_ acronym: String, _ name: String, start: String, end: String? = nil) {
        self.acronym = acronym
        self.name = name
        self.startDate = start
        self.endDate = end
    }
}

/// Reference data shipped with the project: who may pledge, where, for which mission, in which currency.
public enum ReferenceData {
    /// Lookup of delegations by code.
    public static let delegationsByCode: [String: Delegation] =
        Dictionary(delegations.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    /// Lookup of ministerials by code.
    public static let ministerialsByCode: [String: Ministerial] =
        Dictionary(ministerials.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    /// Lookup of missions by acronym.
    public static let missionsByAcronym: [String: Mission] =
        Dictionary(missions.map { ($0.acronym, $0) }, uniquingKeysWith: { first, _ in first })

    /// The target share of women for a year under the Uniformed Gender Parity Strategy (advisory only).
    public static func womenShareTarget(year: Int) -> Double {
        // Strategy 2018-2028: targets rise each year; the contingent-troop target is used
        // as the single advisory figure for a pledge.
        switch year {
        case ..<2018: return 0.0
        case 2018: return 0.03
        case 2019: return 0.04
        case 2020: return 0.05
        case 2021: return 0.06
        case 2022: return 0.07
        case 2023: return 0.08
        case 2024: return 0.09
        case 2025: return 0.10
        case 2026: return 0.11
        case 2027: return 0.12
        default: return 0.15
        }
    }
}
