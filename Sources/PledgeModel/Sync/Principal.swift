/// Who is acting: a delegation (through one of its devices) or the UN Secretariat.
public enum Principal: Sendable, Hashable, CustomStringConvertible {
    /// A delegation, by code (`KOR`).
    case delegation(String)
    /// The UN Secretariat, whose scope is every pledge.
    case secretariat

    /// Whether this principal can see a pledge: its own, a joint pledge naming it, or any for the Secretariat.
    public func canRead(_ pledge: Pledge) -> Bool {
        switch self {
        case .secretariat: return true
        case .delegation(let code): return pledge.scopeDelegations.contains(code)
        }
    }

    /// `KOR`, or `SECRETARIAT`.
    public var description: String {
        switch self {
        case .secretariat: return "SECRETARIAT"
        case .delegation(let code): return code
        }
    }
}
