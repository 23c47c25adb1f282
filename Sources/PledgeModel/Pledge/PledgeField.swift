/// Every field of a pledge that can be set, with who owns it.
///
/// The raw value is the field's name on the wire, in JSON output and in CSV headers.
public enum PledgeField: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case ref
    case delegation
    case ministerial
    case area
    case areas
    case modality
    case title
    case description
    case personnel
    case women
    case unitType
    case unitCount
    case courses
    case participants
    case amount
    case currency
    case partners
    case missions
    case availableFrom
    case availableUntil
    case status
    case withdrawalReason
    case pcrsLevel
    case review
    case reviewNote
    case registryRef
    case supersededBy

    /// Who may write a field.
    public enum Owner: String, Sendable {
        /// Set once, when the pledge is created.
        case fixedAtCreation
        /// The pledging delegation.
        case delegation
        /// Both; which values each may set is decided by the status rules.
        case shared
        /// The UN Secretariat only.
        case secretariat
    }

    /// Who may write this field.
    public var owner: Owner {
        switch self {
        case .delegation: return .fixedAtCreation
        case .status: return .shared
        case .pcrsLevel, .review, .reviewNote, .registryRef, .supersededBy: return .secretariat
        default: return .delegation
        }
    }

    /// The kind of value the field holds.
    public enum Kind: Sendable { case text, integer, list }

    /// The kind of value the field holds.
    public var kind: Kind {
        switch self {
        case .personnel, .women, .unitCount, .courses, .participants: return .integer
        case .areas, .partners, .missions: return .list
        default: return .text
        }
    }

    /// The command-line option that sets this field, e.g. `--unit-type`.
    public var optionName: String {
        let kebab = rawValue.reduce(into: "") { result, character in
            if character.isUppercase { result += "-" + character.lowercased() } else { result.append(character) }
        }
        return "--" + kebab
    }

    /// The field's position in declaration order (its index in `allCases`).
    ///
    /// Equality, hashing and ordering go through it: the defaults a `String`-backed enum gets from
    /// `RawRepresentable` hash and compare the raw string, and fields key the dictionaries every
    /// change, stored pledge and pulled page is decoded into (docs/performance.md).
    @inlinable public var ordinal: Int {
        // A payload-free enum is stored as its case's declaration index (PledgeFieldTests pins this).
        Int(withUnsafeBytes(of: self) { $0[0] })
    }

    /// Every field in declaration order, kept (the synthesized `allCases` builds its array on each call).
    public static let inOrder = allCases

    /// The field named `name`, as `init(rawValue:)` finds it, but by the name's length and a comparison
    /// or two: the synthesized initializer looks the name up in a hashed cache on every call, which was
    /// 1.6% of the registry's push CPU and 2.7% of the node's (every decoded field map key goes through it).
    public static func named(_ name: String) -> PledgeField? {
        let length = name.utf8.count
        guard length < byNameLength.count else { return nil }
        for (field, fieldName) in byNameLength[length] where fieldName == name { return field }
        return nil
    }

    /// Every field with its name, grouped by the name's length in UTF-8 bytes.
    private static let byNameLength: [[(PledgeField, String)]] = {
        var groups = [[(PledgeField, String)]](repeating: [], count: (inOrder.map(\.rawValue.utf8.count).max() ?? 0) + 1)
        for field in inOrder { groups[field.rawValue.utf8.count].append((field, field.rawValue)) }
        return groups
    }()

    @inlinable public static func == (lhs: PledgeField, rhs: PledgeField) -> Bool {
        lhs.ordinal == rhs.ordinal
    }

    @inlinable public func hash(into hasher: inout Hasher) {
        hasher.combine(ordinal)
    }

    @inlinable public static func < (lhs: PledgeField, rhs: PledgeField) -> Bool {
        lhs.ordinal < rhs.ordinal
    }
}
