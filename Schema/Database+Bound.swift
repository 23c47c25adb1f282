import GRDB
import GRDBSQLite

/// A value bound straight to a parameter of a SQLite statement.
public enum SQLiteParameter: Equatable, Sendable {
    case text(String)
    case integer(Int64)
    case null

    /// `text`, or `null` for nil.
    public static func text(_ value: String?) -> SQLiteParameter { value.map { .text($0) } ?? .null }
    /// `integer`, or `null` for nil.
    public static func integer(_ value: Int?) -> SQLiteParameter { value.map { .integer(Int64($0)) } ?? .null }
    public static func integer(_ value: Int64?) -> SQLiteParameter { value.map { .integer($0) } ?? .null }
}

/// The columns of the row a bound statement stepped to.
public struct SQLiteColumns {
    fileprivate let handle: OpaquePointer

    /// Column `index` as text (nil for NULL).
    public func text(_ index: Int32) -> String? {
        guard sqlite3_column_type(handle, index) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Column `index` as an integer (0 for NULL, as SQLite converts it).
    public func integer(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    /// Column `index` as a boolean (SQLite's 0 or 1).
    public func bool(_ index: Int32) -> Bool { sqlite3_column_int64(handle, index) != 0 }
}

extension Database {
    /// Runs a cached statement with `values` bound by SQLite's own calls, and reads its first row
    /// with `read` (nil: it returned no row).
    ///
    /// For the few statements sync runs once per change. GRDB's `execute(arguments:)` turns every
    /// argument into an existential and binds it through nested closures, with bookkeeping around
    /// each step that only transaction observers use: that was a seventh of the CPU of the
    /// registry's writer thread and of the node's while pushing (docs/performance.md, step 40).
    /// Only for connections without transaction observers: GRDB's observation would not see the
    /// statement. A failure throws a `DatabaseError`, so a write transaction around it rolls back.
    public func stepBound<Row>(sql: String, _ values: [SQLiteParameter], read: (SQLiteColumns) throws -> Row) throws -> Row? {
        var first: Row?
        try forEachBound(sql: sql, values) { columns in
            if first == nil { first = try read(columns) }
        }
        return first
    }

    /// Runs a cached statement with `values` bound by SQLite's own calls (see `stepBound`) and
    /// hands every row it returns to `body`.
    public func forEachBound(sql: String, _ values: [SQLiteParameter], _ body: (SQLiteColumns) throws -> Void) throws {
        let handle = try cachedStatement(sql: sql).sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let position = Int32(offset + 1)
            let code: Int32 = switch value {
            case .text(let text):
                // SQLITE_TRANSIENT: SQLite copies the bytes, which live only as long as this closure.
                text.utf8.withContiguousStorageIfAvailable { bytes in
                    sqlite3_bind_text(handle, position, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                      Int32(bytes.count), Self.transient)
                } ?? sqlite3_bind_text(handle, position, text, -1, Self.transient)
            case .integer(let integer):
                sqlite3_bind_int64(handle, position, integer)
            case .null:
                sqlite3_bind_null(handle, position)
            }
            guard code == SQLITE_OK else { throw failure(code, sql: sql) }
        }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_DONE:
                return
            case SQLITE_ROW:
                try body(SQLiteColumns(handle: handle))
            case let code:
                throw failure(code, sql: sql)
            }
        }
    }

    /// Runs a cached INSERT, UPDATE or DELETE with `values` bound by SQLite's own calls (see `stepBound`).
    public func executeBound(sql: String, _ values: [SQLiteParameter]) throws {
        _ = try stepBound(sql: sql, values) { _ in () }
    }

    /// SQLite's SQLITE_TRANSIENT destructor: copy the bound bytes.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func failure(_ code: Int32, sql: String) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)), sql: sql)
    }
}
