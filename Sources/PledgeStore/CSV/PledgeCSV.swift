import CSV
import Foundation
import PledgeModel

/// Pledges as CSV: one row per pledge, a column per field, lists joined with `;`.
///
/// The header names columns by their wire names (`id`, `title`, `unitType`, …); columns may come in
/// any order and any may be left out except `title`, so a delegation's own spreadsheet imports.
public enum PledgeCSV {
    /// Every column, in export order.
    public static let columns: [String] = ["id"] + PledgeField.allCases.map(\.rawValue)

    /// Writes pledges as CSV text with a header row.
    public static func export(_ pledges: [Pledge]) throws -> String {
        try CSVText.make(rows: [columns] + pledges.map { pledge in [pledge.id] + PledgeField.allCases.map { pledge[$0].displayText } })
    }

    /// A parsed row: the pledge it describes and the line it started on.
    public struct Row: Sendable {
        /// The pledge (with a freshly minted id when the `id` cell was empty).
        public var pledge: Pledge
        /// 1-based line number in the file.
        public var line: Int
    }

    /// The fields a CSV header names.
    public static func columns(of text: String) -> Set<PledgeField> {
        let firstLine = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let header = (try? CSVReader(string: firstLine.hasPrefix("\u{FEFF}") ? String(firstLine.dropFirst()) : firstLine))?.next() ?? []
        return Set(header.compactMap { PledgeField(rawValue: $0.trimmingWhitespace()) })
    }

    /// Parses CSV text into pledges; every row that cannot be read is reported with its line number.
    public static func parse(_ text: String, makeId: () -> String) throws(StoreError) -> [Row] {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, hasHeaderRow: true)
        } catch {
            throw StoreError.importFailed([ImportRowError(line: 1, issues: ["the file is not readable CSV: \(error)"])])
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingWhitespace() }
        var headerIssues: [String] = []
        var fieldsByColumn: [Int: PledgeField] = [:]
        var idColumn: Int?
        for (index, name) in header.enumerated() {
            if name == "id" { idColumn = index; continue }
            if let field = PledgeField(rawValue: name) {
                fieldsByColumn[index] = field
            } else {
                headerIssues.append("unknown column '\(name.prefix(60))' (known columns: \(columns.joined(separator: ", ")))")
            }
        }
        if !fieldsByColumn.values.contains(.title) { headerIssues.append("the header has no 'title' column") }
        guard headerIssues.isEmpty else { throw StoreError.importFailed([ImportRowError(line: 1, issues: headerIssues)]) }

        var rows: [Row] = []
        var failures: [ImportRowError] = []
        var line = 2
        while let cells = reader.next() {
            defer { line += 1 + cells.reduce(0) { $0 + $1.filter(\.isNewline).count } }
            if cells.allSatisfy({ $0.trimmingWhitespace().isEmpty }) { continue }
            var issues: [String] = []
            if cells.count != header.count {
                issues.append("has \(cells.count) cells, the header has \(header.count)")
            }
            var fields = FieldMap()
            for (index, cell) in cells.enumerated() {
                guard let field = fieldsByColumn[index] else { continue }
                do { fields[field] = try FieldValue.parse(cell, for: field) } catch { issues += error.issues.map(\.message) }
            }
            var id = makeId()
            if let idColumn, idColumn < cells.count, !cells[idColumn].trimmingWhitespace().isEmpty {
                if let canonical = CanonicalUUID(cells[idColumn].trimmingWhitespace()) {
                    id = canonical.text
                } else {
                    issues.append("id (\(cells[idColumn].prefix(60))) must be a UUID or empty")
                }
            }
            if issues.isEmpty {
                rows.append(Row(pledge: Pledge(id: id, fields: fields), line: line))
            } else {
                failures.append(ImportRowError(line: line, issues: issues))
            }
        }
        if let error = reader.error {
            failures.append(ImportRowError(line: line, issues: ["the file is not well-formed CSV: \(error)"]))
        }
        guard failures.isEmpty else { throw StoreError.importFailed(failures) }
        return rows
    }
}

/// CSV text from rows of cells (quoted where needed), through the CSV library's writer.
public enum CSVText {
    /// The rows as CSV, one line each, ending with a newline.
    public static func make(rows: [[String]]) throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else { return "" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
