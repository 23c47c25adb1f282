import PledgeModel

/// Who a node is: the delegation (or the Secretariat) it works for, its device name and registry.
public struct NodeIdentity: Codable, Sendable, Hashable {
    /// The delegation code, or nil for a Secretariat node.
    public var delegation: String?
    /// A name for this device, e.g. `KOR-laptop-1`.
    public var device: String
    /// The registry's base URL, if known.
    public var registryURL: String?
    /// The bearer token for the registry, if known.
    public var token: String?

    /// Creates an identity.
    public init(delegation: String?, device: String, registryURL: String? = nil, token: String? = nil) {
        self.delegation = delegation
        self.device = device
        self.registryURL = registryURL
        self.token = token
    }

    /// The principal this node acts as.
    public var principal: Principal { delegation.map(Principal.delegation) ?? .secretariat }
}
