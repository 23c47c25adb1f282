/// A plain-text table with left-aligned columns, for terminal output.
struct Table {
    /// Column headings.
    var headings: [String]
    /// Rows of cells.
    var rows: [[String]] = []

    /// Renders the table; cells are cut to `maximumWidth` characters.
    func render(maximumWidth: Int = 48) -> String {
        let cut = rows.map { $0.map { $0.count > maximumWidth ? String($0.prefix(maximumWidth - 1)) + "…" : $0 } }
        var widths = headings.map(\.count)
        for row in cut { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
        return ([line(headings)] + cut.map(line)).joined(separator: "\n")
    }
}
