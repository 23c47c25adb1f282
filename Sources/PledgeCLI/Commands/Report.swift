import ArgumentParser
import Foundation
import PledgeModel
import PledgeStore

extension PledgeCommand {
    /// `pledge report`: totals by area, delegation or ministerial.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Totals of active pledges: pledges, units, personnel, women and share (against the year's target), amounts per currency.",
            discussion: "Withdrawn, lapsed and superseded pledges are not counted. Also lists open conflicts and queried pledges.")

        /// Output formats.
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Group by area, delegation or ministerial.") var by: PledgeReport.Grouping = .area
        @Option(help: "table, json or csv (--json is the same as --format json).") var format: Format = .table

        func run() throws {
            try reportingErrors {
                let node = try store.openInitialized()
                let report = PledgeReport(pledges: try node.pledges().map(\.pledge), groupedBy: by, openConflicts: try node.conflicts().count)
                switch output.json ? .json : format {
                case .json: try Console.json(report)
                case .csv: FileHandle.standardOutput.write(Data(try Self.csv(report).utf8))
                case .table: Self.printTable(report)
                }
            }
        }

        static func cells(_ row: PledgeReport.Row) -> [String] {
            [row.key, String(row.pledges), String(row.units), String(row.personnel), String(row.women),
             row.womenShare.map(Percent.format) ?? "", row.womenShareTarget.map(Percent.format) ?? "",
             row.amounts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: "; ")]
        }

        static func printTable(_ report: PledgeReport) {
            var table = Table(headings: [report.groupedBy.rawValue.uppercased(), "PLEDGES", "UNITS", "PERSONNEL", "WOMEN", "SHARE", "TARGET", "AMOUNTS"])
            table.rows = (report.rows + [report.total]).map(cells)
            Console.out(table.render(maximumWidth: 60))
            Console.out("open conflicts: \(report.openConflicts); queried pledges: \(report.queriedPledges.isEmpty ? "none" : report.queriedPledges.joined(separator: ", "))")
            if report.inactivePledges > 0 { Console.say("\(report.inactivePledges) withdrawn, lapsed or superseded pledge(s) not counted") }
        }

        static func csv(_ report: PledgeReport) throws -> String {
            let header = [report.groupedBy.rawValue, "pledges", "units", "personnel", "women", "womenShare", "womenShareTarget", "amounts"]
            return try CSVText.make(rows: [header] + (report.rows + [report.total]).map(cells))
        }
    }
}
