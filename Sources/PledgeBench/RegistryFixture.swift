import Foundation
import GRDB
import PledgeModel
import RegistryCore

/// Registry databases for the scenarios: created with the real schema, seeded directly, tokens issued.
enum RegistryFixture {
    /// Who owns each seeded pledge, and which partners it names.
    struct Ownership {
        /// The delegation of pledge `index`.
        let delegation: (Int) -> String
        /// The partners of pledge `index` (usually none).
        let partners: (Int) -> [String]
    }

    /// Creates an empty registry at `path` with the real migrations (and WAL mode).
    static func create(at path: String) throws {
        _ = try SQLiteRegistry(path: path)
    }

    /// Inserts `count` pledges straight into the registry's tables, in one transaction, with the
    /// server stopped: pledge rows with fields `{field: {"value": …, "version": seq}}`, partner rows
    /// (with their pledge's sequence, as the push path writes them),
    /// and the sequence counter. Returns the seconds it took.
    @discardableResult
    static func seed(at path: String, count: Int, factory: PledgeFactory, ownership: Ownership) throws -> Double {
        try create(at: path)
        let queue = try DatabaseQueue(path: path)
        return try Stopwatch.seconds {
            try queue.write { db in
                var seq = try Int.fetchOne(db, sql: "SELECT value FROM registry_meta WHERE key = 'seq'") ?? 0
                let insert = try db.makeStatement(sql: "INSERT INTO pledge(id, delegation, fields, updated_seq) VALUES (?, ?, ?, ?)")
                let partner = try db.makeStatement(sql: "INSERT INTO pledge_partner(delegation, pledge_id, updated_seq) VALUES (?, ?, ?)")
                for index in 0..<count {
                    seq += 1
                    let delegation = ownership.delegation(index)
                    var fields = factory.fields(index, delegation: delegation)
                    let partners = ownership.partners(index)
                    if !partners.isEmpty { fields[.partners] = .list(partners) }
                    let id = factory.id(index)
                    try insert.execute(arguments: [id, delegation, JSONText.versioned(fields, version: seq), seq])
                    for code in partners { try partner.execute(arguments: [code, id, seq]) }
                }
                try db.execute(sql: "UPDATE registry_meta SET value = ? WHERE key = 'seq'", arguments: [seq])
            }
        }
    }

    /// Issues one token per `(principal, device)` through the registry's own API; returns the token texts.
    static func issueTokens(at path: String, for holders: [(Principal, String)]) async throws -> [String] {
        let registry = try SQLiteRegistry(path: path)
        var tokens: [String] = []
        for (principal, device) in holders {
            tokens.append(try await registry.issueToken(for: principal, device: device).token)
        }
        return tokens
    }

    /// The ids of every pledge on the registry at `path` (read directly, for the lost-change count).
    static func pledgeIds(at path: String) throws -> Set<String> {
        let queue = try DatabaseQueue(path: path)
        return Set(try queue.read { db in try String.fetchAll(db, sql: "SELECT id FROM pledge") })
    }
}
