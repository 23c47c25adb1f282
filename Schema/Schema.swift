import Foundation

/// The SQL migrations and protocol documents shipped as resources of this target.
public enum SchemaResources {
    /// A numbered SQL migration.
    public struct Migration: Sendable {
        /// File name without extension, e.g. `001_initial`; also the migration's identifier.
        public let name: String
        /// The SQL to run, possibly several statements.
        public let sql: String
    }

    /// The migrations of one database (`node` or `registry`), in file-name order.
    public static func migrations(for database: String) throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: database, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Schema/\(database)"])
        }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { Migration(name: $0.deletingPathExtension().lastPathComponent, sql: try String(contentsOf: $0, encoding: .utf8)) }
    }

    /// The protocol's OpenAPI document, as YAML text.
    public static func openAPIDocument() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Schema/openapi.yaml"])
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
