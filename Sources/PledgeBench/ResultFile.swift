import Foundation

/// The JSON form of a run, for comparing runs.
struct ResultFile: Codable {
    /// `quick` or `full`.
    var mode: String
    /// When the run started, ISO 8601.
    var startedAt: String
    /// Wall seconds of the whole bench run.
    var durationSeconds: Double
    /// Processors online.
    var processors: Int
    /// The sizes used.
    var sizes: BenchSizes
    /// Every row of the table.
    var rows: [ResultRow]
    /// Failures of scenarios that could not run to the end (the other rows still stand).
    var failures: [String]

    /// Writes the file with sorted keys, indented.
    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
