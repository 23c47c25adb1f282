import PledgeModel

/// Who is calling the registry: the principal a token stands for, and the device it was issued to.
public struct Caller: Sendable, Hashable {
    /// The delegation or the Secretariat.
    public var principal: Principal
    /// The device name recorded with the token.
    public var device: String
    /// The token's id (never the token itself).
    public var tokenId: String
    /// The device's registered Ed25519 public key (base64); when set, every change must carry its signature.
    public var publicKey: String?

    /// Creates a caller.
    public init(principal: Principal, device: String, tokenId: String, publicKey: String? = nil) {
        self.principal = principal
        self.device = device
        self.tokenId = tokenId
        self.publicKey = publicKey
    }

    /// How the caller appears in the change log and conflict records: `KOR/KOR-laptop-1`.
    public var actor: String { "\(principal)/\(device)" }
}

/// The registry's storage, merge and authorization rules, behind one seam.
///
/// The HTTP layer talks only to this protocol, so another backend (PostgreSQL) can be added
/// without touching it or the merge rules in `FieldMerge`.
public protocol RegistryStorage: Sendable {
    /// The caller a bearer token stands for, or nil if it is unknown or revoked.
    func authenticate(token: String) async throws -> Caller?
    /// Applies a batch of changes in order, in one transaction: one result per change, and one
    /// receipt signed by the registry for the whole reply.
    func push(_ request: PushRequest, by caller: Caller) async throws -> EncodedPushResponse
    /// One page of pledges in the caller's scope changed after `cursor` (empty: from the start), ready to send.
    func pull(after cursor: String, limit: Int, for caller: Caller) async throws -> EncodedPullPage
    /// The same for the caller behind a bearer token, or nil if the token is unknown or revoked.
    func pull(after cursor: String, limit: Int, bearer token: String) async throws -> EncodedPullPage?
    /// The pledge with this id as the registry holds it (nil if unknown); throws `outOfScope` if the caller may not see it.
    func pledge(id: String, for caller: Caller) async throws -> PledgeState?
    /// The pledge's lineage from the change log (nil if unknown); throws `outOfScope` if the caller may not see it.
    func history(of pledgeId: String, for caller: Caller) async throws -> PledgeHistory?
    /// Issues a token and returns its id and the token text (shown once, stored hashed).
    func issueToken(for principal: Principal, device: String, publicKey: String?) async throws -> (id: String, token: String)
    /// Registers a device's public key with its token if none is registered yet (enrolment on first
    /// sync); returns the key in force afterwards.
    func enrol(tokenId: String, publicKey: String) async throws -> String
    /// The registry's public key (base64), to verify its receipts.
    func registryPublicKey() async throws -> String
    /// Revokes a token by id; returns whether one was revoked.
    func revokeToken(id: String) async throws -> Bool
}

/// Errors the registry reports to callers as 4xx answers.
public enum RegistryError: Error, Sendable, Equatable {
    /// The pull cursor was not one the registry issued.
    case invalidCursor(String)
    /// A request broke a protocol rule (e.g. too many changes in a batch).
    case badRequest(String)
    /// The pledge exists but is not in the caller's scope.
    case outOfScope(String)
    /// The database stayed locked past the busy timeout; the caller should retry shortly.
    case busy
    /// No unrevoked token has the bundle's device key registered.
    case unknownDevice(String)
}

extension RegistryStorage {
    /// Issues a token with no device key yet (the device enrols its key on first sync).
    public func issueToken(for principal: Principal, device: String) async throws -> (id: String, token: String) {
        try await issueToken(for: principal, device: device, publicKey: nil)
    }
}
