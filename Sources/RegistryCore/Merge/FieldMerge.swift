import PledgeModel

/// The three-way merge rule for one field (DESIGN section 4, step 4). Pure: no storage.
public enum FieldMerge {
    /// What the registry does with one incoming field value.
    public enum Decision: Sendable, Equatable {
        /// The editor saw the current version: the value is applied and gets a new version.
        case apply
        /// The value already equals the registry's: nothing to do.
        case unchanged
        /// The editor saw an older version and wants a different value: keep the current value,
        /// record the incoming one as a conflict candidate.
        case conflict
    }

    /// Decides the fate of `incoming`, edited on top of version `base`, against the registry's `current`.
    ///
    /// A resolution of a conflict on this field is applied whatever its base: it is made with
    /// knowledge of every candidate.
    public static func decide(base: Int, incoming: FieldValue, current: VersionedValue?, isResolution: Bool) -> Decision {
        let currentValue = current?.value ?? .null
        let currentVersion = current?.version ?? 0
        if isResolution { return .apply }
        if incoming == currentValue { return .unchanged }
        if base == currentVersion { return .apply }
        return .conflict
    }
}
