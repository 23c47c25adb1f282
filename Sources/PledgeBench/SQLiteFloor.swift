import Foundation
import GRDB
import PledgeModel
import PledgeStore

/// The SQLite floor of the bulk scenario: the same rows inserted with one prepared statement, in one
/// transaction, into the node's table shape and into the registry's, with each side's pragmas.
enum SQLiteFloor {
    /// The floor's two halves, in seconds.
    struct Result: Codable {
        /// Inserting the rows into a node's `pledge` table (schema from the node migrations).
        var nodeSeconds: Double
        /// Inserting the rows into the registry's `pledge` table (schema from the registry migrations).
        var registrySeconds: Double
        /// Both sides: what one bulk sync must at least cost.
        var totalSeconds: Double { nodeSeconds + registrySeconds }
    }

    /// One pledge's row text in both shapes, built before the clock starts.
    private struct Row {
        let id: String, delegation: String, area: String
        let versioned: String, current: String
        let seq: Int
    }

    /// Measures both halves for pledges `0..<count` of `factory`, owned by `delegation`.
    static func measure(count: Int, factory: PledgeFactory, delegation: String, directory: String) throws -> Result {
        let rows = (0..<count).map { index -> Row in
            let pledge = factory.pledge(index, delegation: delegation)
            return Row(id: pledge.id, delegation: delegation, area: pledge.text(.area) ?? "",
                       versioned: JSONText.versioned(pledge.fields, version: index + 1), current: JSONText.flat(pledge), seq: index + 1)
        }
        return Result(nodeSeconds: try nodeSide(rows, path: directory + "/floor-node.sqlite"),
                      registrySeconds: try registrySide(rows, path: directory + "/floor-registry.sqlite"))
    }

    /// Seconds to insert `rows` into a node-shaped table at `path`.
    private static func nodeSide(_ rows: [Row], path: String) throws -> Double {
        _ = try NodeStore(path: path)  // the real node schema, then close
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL") }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try Stopwatch.seconds {
            try queue.write { db in
                let insert = try db.makeStatement(sql: """
                    INSERT INTO pledge(id, delegation, ministerial, area, status, confirmed, current, created_seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rows {
                    try insert.execute(arguments: [row.id, row.delegation, "BERLIN_2025", row.area, "ANNOUNCED", row.versioned, row.current, row.seq])
                }
            }
        }
    }

    /// Seconds to insert `rows` into a registry-shaped table at `path`.
    private static func registrySide(_ rows: [Row], path: String) throws -> Double {
        try RegistryFixture.create(at: path)  // the real registry schema, then close
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try Stopwatch.seconds {
            try queue.write { db in
                let insert = try db.makeStatement(sql: "INSERT INTO pledge(id, delegation, fields, updated_seq) VALUES (?, ?, ?, ?)")
                for row in rows { try insert.execute(arguments: [row.id, row.delegation, row.versioned, row.seq]) }
            }
        }
    }
}
