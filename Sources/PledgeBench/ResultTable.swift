import Foundation

/// Prints the rows as one plain-text table, then the notes of the rows that have one.
enum ResultTable {
    /// The table as text.
    static func render(_ rows: [ResultRow], title: String) -> String {
        let header = ["scenario", "figure", "measured", "floor (same run)", "ratio", "target", "result"]
        let cells = rows.map { row in
            [row.scenario, row.figure, row.display, row.floorDisplay ?? "—", row.ratio.map(Format.ratio) ?? "—",
             row.target.isEmpty ? "—" : row.target, row.met.map { $0 ? "met" : "NOT MET" } ?? "info"]
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        func line(_ values: [String]) -> String {
            values.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: " | ").trimmingCharacters(in: .whitespaces)
        }
        var out = [title, line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")]
        out += cells.map(line)
        let met = rows.filter { $0.met == true }.count, targets = rows.filter { $0.met != nil }.count
        out.append("")
        out.append("targets met: \(met) of \(targets)")
        let notes = rows.enumerated().compactMap { index, row in row.note.map { "  [\(index + 1)] \(row.figure): \($0)" } }
        if !notes.isEmpty { out.append("notes (row number, figure):"); out += notes }
        return out.joined(separator: "\n")
    }
}
