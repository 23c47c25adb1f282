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
    /// `integer`, or `null` for nil (a 64-bit value, as row ids are).
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
    /// Runs a cached statement with `values` bound by SQLite's own calls, steps it to the end, and
    /// returns its first row as `read` makes it (nil: it returned no row).
    ///
    /// For the few statements sync runs once per change. GRDB's `execute(arguments:)` turns every
    /// argument into an existential and binds it through nested closures, with bookkeeping around
    /// each step: that was a seventh of the CPU of the registry's writer thread and of the node's
    /// while pushing (docs/performance.md, step 40). The bookkeeping skipped here refuses statements
    /// after an aborted transaction, records what was read for `ValueObservation`, clears the schema
    /// cache after DDL, tracks autocommit, and feeds transaction observers. So: only INSERT, UPDATE,
    /// DELETE and SELECT, never DDL or BEGIN/COMMIT, on connections without observers, and only for
    /// SQL text that GRDB's own calls do not also run. A failure throws a `DatabaseError`, so a write
    /// transaction around it rolls back.
    ///
    /// Unlike GRDB's binding, which stops a text at a NUL, every byte of a text is bound.
    public func stepBound<Value>(sql: String, _ values: [SQLiteParameter], read: (SQLiteColumns) throws -> Value) throws -> Value? {
        var first: Value?
        try forEachBound(sql: sql, values) { columns in
            if first == nil { first = try read(columns) }
        }
        return first
    }

    /// Runs a cached statement with `values` bound by SQLite's own calls (see `stepBound`) and
    /// hands every row it returns to `body`. The columns are valid only inside `body`, which must
    /// not run the same SQL again.
    public func forEachBound(sql: String, _ values: [SQLiteParameter], _ body: (SQLiteColumns) throws -> Void) throws {
        // Held for the whole run: the handle is only valid while the statement lives.
        let statement = try cachedStatement(sql: sql)
        try withExtendedLifetime(statement) {
            let handle = statement.sqliteStatement
            guard sqlite3_stmt_busy(handle) == 0 else {
                throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "statement is already running", sql: sql)
            }
            guard values.count == Int(sqlite3_bind_parameter_count(handle)) else {
                throw DatabaseError(resultCode: .SQLITE_MISUSE,
                                    message: "wrong number of values: \(values.count), the statement has \(sqlite3_bind_parameter_count(handle)) parameters",
                                    sql: sql)
            }
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            sqlite3_reset(handle)
            try bind(values, to: handle, sql: sql)
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
    }

    private func bind(_ values: [SQLiteParameter], to handle: OpaquePointer, sql: String) throws {
        for (offset, value) in values.enumerated() {
            let position = Int32(offset + 1)
            let code: Int32 = switch value {
            case .text(let text):
                // SQLITE_TRANSIENT: SQLite copies the bytes, which live only as long as the closure.
                text.utf8.withContiguousStorageIfAvailable { bytes in
                    Self.bindText(bytes, to: handle, at: position)
                } ?? Array(text.utf8).withUnsafeBufferPointer { bytes in
                    Self.bindText(bytes, to: handle, at: position)
                }
            case .integer(let integer):
                sqlite3_bind_int64(handle, position, integer)
            case .null:
                sqlite3_bind_null(handle, position)
            }
            guard code == SQLITE_OK else { throw failure(code, sql: sql) }
        }
    }

    private static func bindText(_ bytes: UnsafeBufferPointer<UInt8>, to handle: OpaquePointer, at position: Int32) -> Int32 {
        // An empty buffer may have no address, and a NULL pointer would bind NULL, not ''.
        guard let base = bytes.baseAddress else { return sqlite3_bind_text(handle, position, "", 0, transient) }
        return sqlite3_bind_text(handle, position, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
    }

    /// Runs a cached INSERT, UPDATE or DELETE with `values` bound by SQLite's own calls (see `stepBound`).
    public func executeBound(sql: String, _ values: [SQLiteParameter]) throws {
        try forEachBound(sql: sql, values) { _ in }
    }

    /// SQLite's SQLITE_TRANSIENT destructor: copy the bound bytes.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func failure(_ code: Int32, sql: String) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)), sql: sql)
    }
}
