/// One broken rule: the field it concerns and a sentence that names the rule.
public struct ValidationIssue: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The field's wire name (`women`, `amount`, …).
    public var field: String
    /// What is wrong, starting with the field name, e.g. `women (130) exceeds personnel (120)`.
    public var message: String

    /// Creates an issue about a field.
    public init(_ field: PledgeField, _ message: String) {
        self.field = field.rawValue
        self.message = message
    }

    /// Creates an issue about a field known only by name (e.g. an unknown CSV column).
    public init(fieldName: String, message: String) {
        self.field = fieldName
        self.message = message
    }

    public var description: String { message }
}

/// The outcome of validating a pledge: errors block it, warnings only advise.
public struct ValidationReport: Sendable, Hashable {
    /// Rules the pledge breaks; any error means the pledge is refused.
    public var errors: [ValidationIssue] = []
    /// Advisory rules the pledge does not meet (e.g. the women share target).
    public var warnings: [ValidationIssue] = []

    /// Whether the pledge may be stored.
    public var isValid: Bool { errors.isEmpty }
}

/// Thrown when input breaks one or more rules; carries every broken rule.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    /// Every rule broken, in field order.
    public var issues: [ValidationIssue]

    /// Creates a failure from its issues.
    public init(_ issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.message).joined(separator: "; ") }
}
