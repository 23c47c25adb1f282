import Foundation
import PledgeModel

/// Timestamps in ISO 8601 UTC, as stored and shown.
public enum Timestamp {
    /// The current time, e.g. `2025-05-13T09:30:00Z`.
    public static func now() -> String { Date().ISO8601Format() }
}

/// Fresh lowercase UUIDs for pledge and change ids.
public enum Identifier {
    /// A new random pledge id (version 4), lowercase. Random, not time-ordered: people name a
    /// pledge by the first eight digits of its id (`pledge list`), which must differ between pledges.
    public static func make() -> String { UUID().uuidString.lowercased() }

    /// A new change id: time-ordered (version 7), lowercase. Changes made later sort later, so the
    /// outbox and the registry's received changes append to their primary-key indexes instead of
    /// writing a random page per change.
    public static func makeChangeId() -> String { TimeOrderedUUID.make() }
}
