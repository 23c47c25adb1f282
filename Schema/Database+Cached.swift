import GRDB

extension Database {
    /// Runs `sql` through the connection's statement cache. Sync runs the same few statements for
    /// every field of every change and every pulled pledge; re-parsing them each time cost 15–20%
    /// of the registry's push CPU (docs/performance.md).
    public func executeCached(sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// `?,?,…` for an `IN (…)` list of `count` values; `NULL` (matching nothing) for none.
    public static func placeholders(_ count: Int) -> String {
        count == 0 ? "NULL" : repeatElement("?", count: count).joined(separator: ",")
    }
}
