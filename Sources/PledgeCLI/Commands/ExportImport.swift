import ArgumentParser
import Foundation
import PledgeModel
import PledgeStore

extension PledgeCommand {
    /// `pledge export`: every pledge as CSV or JSON.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every pledge as CSV or JSON (to stdout or a file).")

        /// Output formats.
        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

        @OptionGroup var store: StoreOptions
        @Option(help: "csv or json.") var format: Format = .csv
        @Option(help: "Write to this file instead of stdout.") var output: String?

        func run() throws {
            try reportingErrors {
                let pledges = try store.openInitialized().pledges().map(\.pledge)
                let text = format == .csv ? try PledgeCSV.export(pledges) : try CanonicalJSON.pretty(pledges) + "\n"
                if let output {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                    Console.say("wrote \(pledges.count) pledge(s) to \(output)")
                } else {
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            }
        }
    }

    /// `pledge import`: pledges from a CSV file, all or none.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import pledges from a CSV file: all rows or, if any row is invalid, none.",
            discussion: "Columns are named as in `pledge export` (id, title, modality, …) and may come in any order; an empty id mints a new one.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            try reportingErrors {
                let node = try store.openInitialized()
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ValidationFailure([ValidationIssue(fieldName: "file", message: "file \(file) cannot be read")])
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    throw ValidationFailure([ValidationIssue(fieldName: "file", message: "file \(file) is not UTF-8 text")])
                }
                let rows = try PledgeCSV.parse(text, makeId: Identifier.make)
                Console.say("importing \(rows.count) pledge(s) from \(file) …")
                let count = try node.importPledges(rows.map(\.pledge), lines: rows.map(\.line), columns: PledgeCSV.columns(of: text))
                Console.say("imported \(count) pledge(s) (not yet synced)")
            }
        }
    }
}

extension PledgeReport.Grouping: ExpressibleByArgument {}
