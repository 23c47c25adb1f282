import Foundation
import GRDB
import PledgeModel
import PledgeSchema
import PledgeSecurity

/// The registry over SQLite in WAL mode: the default backend.
public final class SQLiteRegistry: RegistryStorage {
    let pool: DatabasePool
    /// Checkpoints the WAL off the writer's thread; each push asks for one after its commit.
    let checkpointer: BackgroundCheckpointer
    /// Largest number of pledges a pull page may carry.
    public static let maximumPageSize = 2_000

    /// Opens (creating if needed) the registry database at `path` and migrates it.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        // Server reads are synchronous (`shortRead`): with a reader for every thread that can run a
        // request, none of them waits for a reader.
        configuration.maximumReaderCount = max(5, ProcessInfo.processInfo.activeProcessorCount + 1)
        configuration.prepareDatabase { db in
            // DatabasePool already uses WAL; synchronous=FULL because an acknowledged push must
            // survive power loss, not only a process crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Checkpoints run on their own connection (`BackgroundCheckpointer`); this is the backstop.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(BackgroundCheckpointer.writerThreshold)")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        for migration in try SchemaResources.migrations(for: "registry") {
            migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        try migrator.migrate(pool)
        checkpointer = BackgroundCheckpointer(path: path)
    }

    // MARK: Tokens

    public func authenticate(token: String) async throws -> Caller? {
        // Look the token up by its public id, then compare the secret's hash in constant time.
        guard let id = TokenFactory.tokenId(of: token) else { return nil }
        let hash = TokenFactory.hash(token)
        return try shortRead { db in try Self.caller(db, tokenId: id, hash: hash) }
    }

    /// The unrevoked token with this id whose hash matches, as a caller.
    static func caller(_ db: Database, tokenId id: String, hash: String) throws -> Caller? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, hash, delegation, device, public_key FROM token WHERE id = ? AND revoked_at IS NULL"),
                                         arguments: [id]),
              TokenFactory.constantTimeEquals(row["hash"], hash) else { return nil }
        let delegation: String? = row["delegation"]
        return Caller(principal: delegation.map(Principal.delegation) ?? .secretariat, device: row["device"], tokenId: row["id"],
                      publicKey: row["public_key"])
    }

    public func issueToken(for principal: Principal, device: String, publicKey: String?) async throws -> (id: String, token: String) {
        let id = TokenFactory.makeTokenId()
        let token = TokenFactory.makeToken(id: id)
        let delegation: String? = if case .delegation(let code) = principal { code } else { nil }
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO token(id, hash, delegation, device, created_at, public_key) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, TokenFactory.hash(token), delegation, device, Date().ISO8601Format(), publicKey])
        }
        return (id, token)
    }

    public func enrol(tokenId: String, publicKey: String) async throws -> String {
        try await pool.write { db in
            try db.execute(sql: "UPDATE token SET public_key = ? WHERE id = ? AND public_key IS NULL", arguments: [publicKey, tokenId])
            return try String.fetchOne(db, sql: "SELECT public_key FROM token WHERE id = ?", arguments: [tokenId]) ?? publicKey
        }
    }

    public func registryPublicKey() async throws -> String {
        try await pool.write { db in try Signatures.publicKey(ofPrivateKey: try Self.registryPrivateKey(db)) }
    }

    /// The registry's signing key, made on first use.
    static func registryPrivateKey(_ db: Database) throws -> String {
        if let key = try String.fetchOne(db.cachedStatement(sql: "SELECT private_key FROM registry_key WHERE id = 1")) { return key }
        let key = Signatures.makePrivateKey()
        try db.execute(sql: "INSERT INTO registry_key(id, private_key) VALUES (1, ?)", arguments: [key])
        return key
    }

    public func revokeToken(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [Date().ISO8601Format(), id])
            return db.changesCount > 0
        }
    }

    /// Runs a storage call, turning SQLite's "busy" into `RegistryError.busy` (a 503 with Retry-After).
    func mappingBusy<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw RegistryError.busy
        }
    }

    /// Runs a short read on the calling thread, turning "busy" into `RegistryError.busy`.
    ///
    /// GRDB's async `read` hops to a reader's queue and back: two thread switches that cost about
    /// as much as a whole no-op pull's queries (docs/performance.md). Every read the server makes
    /// (a token, a pull page, one pledge, its history) is an index range, cheaper run where the
    /// request already is. The server must not mix the two kinds: an async read keeps its reader
    /// until it resumes on the cooperative pool, which threads blocked here waiting for a reader
    /// could starve. Async reads are left to the command line's long ones (audit, bundles).
    func shortRead<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw RegistryError.busy
        }
    }

    // MARK: Shared row access

    /// The registry's sequence numbers, handed out in memory within one write transaction and stored
    /// once at its end (`save()`); the transaction's write lock keeps any other writer out meanwhile.
    final class SequenceCounter {
        private let db: Database
        private var last: Int?

        init(db: Database) {
            self.db = db
        }

        /// The next sequence number.
        func next() throws -> Int {
            let value = try (last ?? Int.fetchOne(db.cachedStatement(sql: "SELECT value FROM registry_meta WHERE key = 'seq'")) ?? 0) + 1
            last = value
            return value
        }

        /// Stores the last number handed out; call before the transaction commits.
        func save() throws {
            guard let last else { return }
            try db.executeCached(sql: "UPDATE registry_meta SET value = ? WHERE key = 'seq'", arguments: [last])
        }
    }

    static func fetchFields(_ db: Database, pledge id: String) throws -> FieldDictionary<VersionedValue>? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT fields FROM pledge WHERE id = ?"), arguments: [id])
            .map { try CanonicalJSON.decode(FieldDictionary<VersionedValue>.self, from: $0) }
    }

    /// Every conflict of a pledge, open and resolved, oldest first (nodes keep the open ones).
    static func conflicts(_ db: Database, pledge id: String) throws -> [ConflictRecord] {
        try String.fetchAll(db, sql: "SELECT record FROM conflict WHERE pledge_id = ? ORDER BY opened_seq, id", arguments: [id])
            .map { try CanonicalJSON.decode(ConflictRecord.self, from: $0) }
    }

    /// Every conflict of each of `ids`, oldest first, in one query (a pull page asks for hundreds).
    static func conflicts(_ db: Database, pledges ids: [String]) throws -> [String: [ConflictRecord]] {
        guard !ids.isEmpty else { return [:] }
        let records = try String.fetchAll(db, sql: "SELECT record FROM conflict WHERE pledge_id IN (\(Database.placeholders(ids.count))) ORDER BY opened_seq, id",
                                          arguments: StatementArguments(ids))
            .map { try CanonicalJSON.decode(ConflictRecord.self, from: $0) }
        return Dictionary(grouping: records, by: \.pledgeId)
    }
}
