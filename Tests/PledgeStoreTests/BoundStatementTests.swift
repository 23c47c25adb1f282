import Foundation
import GRDB
import PledgeSchema
import Testing

/// Statements whose values are bound by SQLite's own calls (`Database.executeBound`, `stepBound`),
/// which sync's hottest writes use instead of GRDB's arguments: they must store what GRDB stores
/// (and every byte of a text), fail as GRDB fails, refuse a wrong number of values, and leave
/// nothing behind for the next use of the cached statement.
@Suite("Schema: statements bound by SQLite's own calls")
struct BoundStatementTests {
    private func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in try db.execute(sql: "CREATE TABLE item (id TEXT PRIMARY KEY NOT NULL, note TEXT, count INTEGER)") }
        return queue
    }

    private let insert = "INSERT INTO item(id, note, count) VALUES (?, ?, ?)"

    @Test func textIntegersAndNullAreStoredAsGRDBStoresThem() throws {
        let queue = try database()
        let texts = ["plain", "Hôpital de niveau 2 · 🚁", "line\u{2028}separator", "quote \" and \\ backslash", ""]
        try queue.write { db in
            for (index, text) in texts.enumerated() {
                try db.executeBound(sql: insert, [.text("bound-\(index)"), .text(text), .integer(Int64.max - Int64(index))])
                try db.execute(sql: insert, arguments: ["grdb-\(index)", text, Int64.max - Int64(index)])
            }
            try db.executeBound(sql: insert, [.text("bound-null"), .text(nil as String?), .integer(nil as Int?)])
            try db.execute(sql: insert, arguments: ["grdb-null", nil, nil])
        }
        try queue.read { db in
            for suffix in texts.indices.map(String.init) + ["null"] {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT note, typeof(note) AS noteType, count, typeof(count) AS countType FROM item WHERE id = ?",
                                                        arguments: ["bound-" + suffix]))
                let grdb = try #require(try Row.fetchOne(db, sql: "SELECT note, typeof(note) AS noteType, count, typeof(count) AS countType FROM item WHERE id = ?",
                                                         arguments: ["grdb-" + suffix]))
                #expect(row == grdb, "row \(suffix)")
            }
        }
    }

    @Test func everyByteOfATextIsBoundANulIncluded() throws {
        // SQLite is given the text's length, not a C string (GRDB's binding stops at a NUL).
        let queue = try database()
        let text = "nul\u{0}inside"
        try queue.write { db in try db.executeBound(sql: insert, [.text("a"), .text(text), .null]) }
        let length = try queue.read { db in try Int.fetchOne(db, sql: "SELECT length(CAST(note AS BLOB)) FROM item") }
        #expect(length == text.utf8.count)
    }

    @Test func aFailingStatementThrowsSQLitesErrorAndItsTransactionWritesNothing() throws {
        let queue = try database()
        try queue.write { db in try db.executeBound(sql: insert, [.text("a"), .text("first"), .integer(1)]) }
        #expect {
            try queue.write { db in
                try db.executeBound(sql: insert, [.text("b"), .text("second"), .integer(2)])
                try db.executeBound(sql: insert, [.text("a"), .text("duplicate"), .integer(3)])
            }
        } throws: { error in
            (error as? DatabaseError)?.resultCode == .SQLITE_CONSTRAINT && (error as? DatabaseError)?.sql == insert
        }
        let kept = try queue.read { db in try String.fetchAll(db, sql: "SELECT id FROM item ORDER BY id") }
        #expect(kept == ["a"])
        // The cached statement is usable again after the failure.
        try queue.write { db in try db.executeBound(sql: insert, [.text("c"), .text("third"), .integer(3)]) }
        let after = try queue.read { db in try String.fetchAll(db, sql: "SELECT id FROM item ORDER BY id") }
        #expect(after == ["a", "c"])
    }

    @Test func aReusedStatementKeepsNoValueOfItsLastUse() throws {
        let queue = try database()
        try queue.write { db in
            try db.executeBound(sql: insert, [.text("a"), .text("a note"), .integer(7)])
            try db.executeBound(sql: insert, [.text("b"), .null, .null])
            // GRDB's own call on the same cached statement, then the bound one again.
            try db.cachedStatement(sql: insert).execute(arguments: ["c", "via GRDB", 9])
            try db.executeBound(sql: insert, [.text("d"), .null, .null])
        }
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT id, note, count FROM item ORDER BY id") }
        #expect(rows.map { $0["note"] as String? } == ["a note", nil, "via GRDB", nil])
        #expect(rows.map { $0["count"] as Int? } == [7, nil, 9, nil])
    }

    @Test func tooFewOrTooManyValuesAreRefusedAndNothingIsWritten() throws {
        let queue = try database()
        for values: [SQLiteParameter] in [[.text("a")], [.text("a"), .null, .null, .null]] {
            #expect {
                try queue.write { db in try db.executeBound(sql: insert, values) }
            } throws: { error in
                (error as? DatabaseError)?.resultCode == .SQLITE_MISUSE
            }
        }
        let count = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") }
        #expect(count == 0)
    }

    @Test func aQueryReadsItsFirstRowAndAReturningDeleteRunsToTheEnd() throws {
        let queue = try database()
        try queue.write { db in
            for (id, count) in [("a", 1), ("b", 2), ("c", 2)] { try db.executeBound(sql: insert, [.text(id), .text(nil as String?), .integer(count)]) }
            let first = try db.stepBound(sql: "SELECT id, note, count, count = 2 FROM item WHERE count = ? ORDER BY id", [.integer(2)]) { row in
                (row.text(0), row.text(1), row.integer(2), row.bool(3))
            }
            #expect(first?.0 == "b" && first?.1 == nil && first?.2 == 2 && first?.3 == true)
            #expect(try db.stepBound(sql: "SELECT id FROM item WHERE count = ?", [.integer(5)]) { $0.text(0) } == nil)
            // Every row reaches the body, in order.
            var seen: [String] = []
            try db.forEachBound(sql: "SELECT id FROM item WHERE count >= ? ORDER BY id", [.integer(1)]) { row in seen.append(row.text(0) ?? "") }
            #expect(seen == ["a", "b", "c"])
            let deleted = try db.stepBound(sql: "DELETE FROM item WHERE count = ? RETURNING id", [.integer(2)]) { $0.text(0) }
            #expect(deleted == "b" || deleted == "c")
        }
        let left = try queue.read { db in try String.fetchAll(db, sql: "SELECT id FROM item") }
        #expect(left == ["a"])
    }
}
