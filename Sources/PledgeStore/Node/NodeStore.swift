import Foundation
import GRDB
import PledgeModel
import PledgeSecurity
import PledgeSchema

/// A delegation's (or the Secretariat's) local SQLite store: pledges, outbox, conflicts, settings.
///
/// Every method that writes more than one row does so in one transaction, so a crash leaves
/// either all of an operation or none of it.
public final class NodeStore: Sendable {
    let database: DatabaseQueue
    /// The file the store lives in.
    public let path: String

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL keeps readers unblocked during a long pull; synchronous=NORMAL is durable in WAL
            // against process crashes, which is what a laptop node needs.
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.path = path
        database = try DatabaseQueue(path: path, configuration: configuration)
        try NodeStore.migrator().migrate(database)
    }

    static func migrator() throws -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in try SchemaResources.migrations(for: "node") {
            migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }

    // MARK: Settings

    /// Sets this node's identity; refuses if it already has one.
    public func initialize(_ identity: NodeIdentity, registryPublicKey: String? = nil) throws {
        try database.write { db in
            if let existing = try Self.identity(db) {
                throw StoreError.alreadyInitialized(existing.delegation ?? "the Secretariat")
            }
            try Self.setSetting(db, "identity", try CanonicalJSON.string(identity))
            // Every change this device makes is signed with its own Ed25519 key, made here once.
            try Self.setSetting(db, "device_private_key", Signatures.makePrivateKey())
            // A key given by the operator is pinned: receipts must verify with it from the first sync
            // on, instead of with whatever key the registry first presents (trust on first use).
            if let registryPublicKey { try Self.setSetting(db, "registry_public_key", registryPublicKey) }
        }
    }

    /// This device's public key (base64), registered with the registry to verify its changes.
    public func devicePublicKey() throws -> String {
        try database.write { db in try Signatures.publicKey(ofPrivateKey: try Self.devicePrivateKey(db)) }
    }

    /// The device's private key; stores made before keys existed get one on first use.
    static func devicePrivateKey(_ db: Database) throws -> String {
        if let key = try setting(db, "device_private_key") { return key }
        let key = Signatures.makePrivateKey()
        try setSetting(db, "device_private_key", key)
        return key
    }

    /// The registry's public key, as first seen (trust on first use) or set by the operator.
    public func registryPublicKey() throws -> String? {
        try database.read { db in try Self.setting(db, "registry_public_key") }
    }

    /// Records the registry's public key, used to verify its receipts and return bundles.
    public func setRegistryPublicKey(_ key: String) throws {
        try database.write { db in try Self.setSetting(db, "registry_public_key", key) }
    }

    /// This node's identity; throws `notInitialized` before `pledge init`.
    public func identity() throws -> NodeIdentity {
        guard let identity = try database.read(Self.identity) else { throw StoreError.notInitialized(path: path) }
        return identity
    }

    /// Updates the registry URL and token kept for sync.
    public func updateRegistry(url: String?, token: String?) throws {
        try database.write { db in
            guard var identity = try Self.identity(db) else { throw StoreError.notInitialized(path: path) }
            if let url { identity.registryURL = url }
            if let token { identity.token = token }
            try Self.setSetting(db, "identity", try CanonicalJSON.string(identity))
        }
    }

    static func identity(_ db: Database) throws -> NodeIdentity? {
        try setting(db, "identity").map { try CanonicalJSON.decode(NodeIdentity.self, from: $0) }
    }

    static func setting(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM node_setting WHERE key = ?"), arguments: [key])
    }

    static func setSetting(_ db: Database, _ key: String, _ value: String) throws {
        try db.executeCached(sql: "INSERT INTO node_setting(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [key, value])
    }
}
