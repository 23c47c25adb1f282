import Foundation

/// Timestamps in ISO 8601 UTC, as stored and shown.
public enum Timestamp {
    /// The current time, e.g. `2025-05-13T09:30:00Z`.
    public static func now() -> String { Date().ISO8601Format() }
}

/// Fresh lowercase UUIDs for pledge and change ids.
public enum Identifier {
    /// A new random UUID, lowercase.
    public static func make() -> String { UUID().uuidString.lowercased() }
}
