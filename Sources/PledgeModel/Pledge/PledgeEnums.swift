/// The primary (and secondary) areas a pledge contributes to.
public enum PledgeArea: String, CaseIterable, Codable, Sendable {
    case training = "TRAINING"
    case medical = "MEDICAL"
    case technology = "TECHNOLOGY"
    case womenPeaceSecurity = "WOMEN_PEACE_SECURITY"
    case uniformedCapability = "UNIFORMED_CAPABILITY"
    case protectionOfCivilians = "PROTECTION_OF_CIVILIANS"
    case safetySecurity = "SAFETY_SECURITY"
    case strategicCommunications = "STRATEGIC_COMMUNICATIONS"
    case environment = "ENVIRONMENT"
    case conductAccountability = "CONDUCT_ACCOUNTABILITY"
    case other = "OTHER"
}

/// How a pledge is delivered.
public enum PledgeModality: String, CaseIterable, Codable, Sendable {
    case unit = "UNIT"
    case individualPersonnel = "INDIVIDUAL_PERSONNEL"
    case training = "TRAINING"
    case equipment = "EQUIPMENT"
    case financial = "FINANCIAL"
    case technology = "TECHNOLOGY"
    case policy = "POLICY"
}

/// Where a pledge stands in its life, from announcement to completion.
public enum PledgeStatus: String, CaseIterable, Codable, Sendable {
    case announced = "ANNOUNCED"
    case formallyNotified = "FORMALLY_NOTIFIED"
    case registered = "REGISTERED"
    case verified = "VERIFIED"
    case deployed = "DEPLOYED"
    case delivered = "DELIVERED"
    case completed = "COMPLETED"
    case withdrawn = "WITHDRAWN"
    case lapsed = "LAPSED"
    case superseded = "SUPERSEDED"

    /// Statuses a delegation may set itself; the rest belong to the Secretariat.
    public static let delegationSettable: Set<PledgeStatus> = [.announced, .formallyNotified, .withdrawn]

    /// Whether the pledge is still live (not withdrawn, lapsed or superseded).
    public var isActive: Bool { ![.withdrawn, .lapsed, .superseded].contains(self) }

    /// The statuses a pledge may move to from this one (DESIGN section 3's lifecycle).
    public var allowedNext: Set<PledgeStatus> {
        let exits: Set<PledgeStatus> = [.withdrawn, .lapsed, .superseded]
        switch self {
        case .announced: return exits.union([.formallyNotified, .registered])
        case .formallyNotified: return exits.union([.announced, .registered])
        case .registered: return exits.union([.verified])
        case .verified: return exits.union([.deployed, .delivered])
        case .deployed, .delivered: return exits.union([.completed])
        case .completed, .withdrawn, .lapsed, .superseded: return []
        }
    }

    /// Whether, from this status on, only the Secretariat may change the status.
    public var isSecretariatControlled: Bool { ![.announced, .formallyNotified].contains(self) }
}

/// Peacekeeping Capability Readiness System level, set by the Secretariat.
public enum PCRSLevel: String, CaseIterable, Codable, Sendable {
    case none = "NONE"
    case level1 = "LEVEL_1"
    case level2 = "LEVEL_2"
    case level3 = "LEVEL_3"
    case rapidDeployment = "RAPID_DEPLOYMENT"
}

/// The Secretariat's review decision on a submitted pledge.
public enum ReviewState: String, CaseIterable, Codable, Sendable {
    case submitted = "SUBMITTED"
    case acknowledged = "ACKNOWLEDGED"
    case accepted = "ACCEPTED"
    case queried = "QUERIED"
    case rejected = "REJECTED"
}
