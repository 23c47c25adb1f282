import Foundation
import GRDB
import PledgeModel

extension SQLiteRegistry {
    /// Recomputes the whole change log's hash chain, reading it in one snapshot, and checks it
    /// still holds each anchor (a head nodes were given).
    public func verifyAuditLog(anchors: [AuditHead] = []) async throws -> AuditChain.Verdict {
        try await pool.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM change_log ORDER BY id")
            var entries: [AuditEntry] = []
            while let row = try cursor.next() { entries.append(AuditEntry(row: row)) }
            return AuditChain.verify(entries, anchors: anchors)
        }
    }

    /// Writes the change log as JSON lines, one entry per line, to `handle`.
    public func exportAuditLog(to handle: FileHandle) async throws -> Int {
        try await pool.read { db in
            var count = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM change_log ORDER BY id")
            while let row = try cursor.next() {
                var line = try CanonicalJSON.encode(AuditEntry(row: row))
                line.append(UInt8(ascii: "\n"))
                handle.write(line)
                count += 1
            }
            return count
        }
    }

    public func history(of pledgeId: String, for caller: Caller) async throws -> PledgeHistory? {
        try shortRead { db in
            guard let fields = try Self.fetchFields(db, pledge: pledgeId) else { return nil }
            guard caller.principal.canRead(Pledge(id: pledgeId, fields: fields.mapValues(\.value))) else {
                throw RegistryError.outOfScope(pledgeId)
            }
            return PledgeHistory(pledgeId: pledgeId, entries: try AuditLog(db: db).entries(pledge: pledgeId),
                                 conflicts: try Self.conflicts(db, pledge: pledgeId))
        }
    }
}

/// Reads an exported audit log (JSON lines) back, for `pledge registry audit verify --file`.
public enum AuditExport {
    /// Parses JSON lines into entries; a line that is not an entry is reported by number.
    public static func entries(fromJSONLines text: String) throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            do {
                entries.append(try CanonicalJSON.decode(AuditEntry.self, from: Data(line.utf8)))
            } catch {
                throw RegistryError.badRequest("line \(index + 1) is not an audit entry")
            }
        }
        return entries
    }
}
