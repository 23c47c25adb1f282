/// A node's unsent changes in one self-describing file, for delegations with no usable line
/// (USB stick, e-mail, diplomatic pouch). Applied by the registry exactly like an HTTP push.
public struct OutboundBundle: Codable, Sendable, Hashable {
    /// The bundle format this build writes.
    public static let currentSchemaVersion = 2
    /// Always `pledge-bundle`.
    public var format: String
    /// Version of this layout; older versions are upgraded on import.
    public var schemaVersion: Int
    /// Who sent it and what it holds.
    public var manifest: Manifest
    /// The signed changes, oldest first.
    public var changes: [Change]

    /// What a bundle says about itself.
    public struct Manifest: Codable, Sendable, Hashable {
        /// The sending delegation (nil for a Secretariat device).
        public var delegation: String?
        /// The sending device.
        public var device: String
        /// The device's Ed25519 public key (base64): the registry finds the device's token by it.
        public var devicePublicKey: String
        /// Number of changes.
        public var count: Int
        /// SHA-256 (hex) of the changes' canonical JSON, to detect damage in transit.
        public var checksum: String
        /// The node's pull cursor, so the return bundle carries only what the node lacks (added in version 2).
        public var cursor: String?
        /// When the bundle was written, ISO 8601.
        public var createdAt: String

        /// Creates a manifest.
        public init(delegation: String?, device: String, devicePublicKey: String, count: Int, checksum: String, cursor: String?, createdAt: String) {
            self.delegation = delegation
            self.device = device
            self.devicePublicKey = devicePublicKey
            self.count = count
            self.checksum = checksum
            self.cursor = cursor
            self.createdAt = createdAt
        }
    }

    /// Creates a bundle in the current layout.
    public init(manifest: Manifest, changes: [Change]) {
        format = "pledge-bundle"
        schemaVersion = Self.currentSchemaVersion
        self.manifest = manifest
        self.changes = changes
    }
}

/// The registry's answer to a bundle: signed receipts for each change, and the updates in the
/// sending delegation's scope, applied by the node like a pull.
public struct ReturnBundle: Codable, Sendable {
    /// Always `pledge-return-bundle`.
    public var format: String
    /// Version of this layout.
    public var schemaVersion: Int
    /// The device the bundle answers.
    public var device: String
    /// The registry's Ed25519 public key (base64), which signed the receipts and the bundle.
    public var registryPublicKey: String
    /// One result (with its signed receipt) per change of the bundle, in order.
    public var results: [ChangeResult]
    /// Pull pages from the node's cursor to the end of its scope.
    public var pages: [PullPage]
    /// When the registry wrote it, ISO 8601.
    public var createdAt: String
    /// The registry's signature (base64) over the bundle without this field.
    public var signature: String?

    /// Creates an unsigned return bundle.
    public init(device: String, registryPublicKey: String, results: [ChangeResult], pages: [PullPage], createdAt: String) {
        format = "pledge-return-bundle"
        schemaVersion = 1
        self.device = device
        self.registryPublicKey = registryPublicKey
        self.results = results
        self.pages = pages
        self.createdAt = createdAt
    }
}
