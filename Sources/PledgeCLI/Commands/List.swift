import ArgumentParser
import PledgeModel
import PledgeStore

extension PledgeCommand {
    /// `pledge list`: the pledges in the store, with unsynced ones marked.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pledges; '*' marks ones with unsynced edits, '!' open conflicts.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only pledges of this ministerial.") var ministerial: String?
        @Option(help: "Only pledges with this primary area.") var area: String?
        @Option(help: "Only pledges with this status.") var status: String?
        @Option(help: "Only pledges of this delegation.") var delegation: String?

        func run() throws {
            try reportingErrors {
                let records = try store.openInitialized().pledges(
                    matching: .init(ministerial: ministerial, area: area, status: status, delegation: delegation))
                if output.json { return try Console.json(records) }
                var table = Table(headings: ["", "REF", "ID", "DELEGATION", "MINISTERIAL", "AREA", "MODALITY", "STATUS", "REVIEW", "TITLE"])
                for record in records {
                    let pledge = record.pledge
                    let marks = (record.isUnsynced ? "*" : " ") + (record.conflicts.isEmpty ? "" : "!")
                    table.rows.append([marks, pledge.text(.ref) ?? "", String(pledge.id.prefix(8)), pledge.delegation, pledge.ministerial,
                                       pledge.text(.area) ?? "", pledge.text(.modality) ?? "", pledge.status.rawValue,
                                       pledge.review?.rawValue ?? "", pledge.title])
                }
                Console.out(table.render())
                Console.say("\(records.count) pledge(s)")
            }
        }
    }

    /// `pledge show`: every field of one pledge, its sync state and conflicts.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one pledge: every field, what is unsynced, open conflicts.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The pledge's id, id prefix or reference.") var id: String

        func run() throws {
            try reportingErrors {
                let record = try store.openInitialized().pledge(id)
                if output.json { return try Console.json(record) }
                Console.out(Show.render(record))
            }
        }

        static func render(_ record: PledgeRecord) -> String {
            var lines = ["id: \(record.pledge.id)"]
            for field in PledgeField.allCases {
                let value = record.pledge[field]
                guard !value.isEmpty else { continue }
                let mark = record.pendingFields.contains(field) ? "   (unsynced)" : ""
                lines.append("\(field.rawValue): \(value.displayText)\(mark)")
            }
            if let share = record.pledge.womenShare { lines.append("womenShare: \(Percent.format(share)) (derived)") }
            if record.pledge.review == .queried {
                lines.append("QUERIED by the Secretariat: \(record.pledge.text(.reviewNote) ?? "(no note)")")
            }
            lines.append("sync: " + (record.isOnRegistry ? (record.pendingFields.isEmpty ? "confirmed by the registry" : "local edits not yet synced")
                                                          : "not yet on the registry"))
            for conflict in record.conflicts {
                lines.append("conflict \(conflict.id) on \(conflict.field.rawValue):")
                for candidate in conflict.candidates {
                    lines.append("  [\(candidate.number)] \(candidate.value.displayText)  (by \(candidate.actor), \(candidate.receivedAt))")
                }
            }
            for warning in record.warnings { lines.append("warning: \(warning)") }
            return lines.joined(separator: "\n")
        }
    }
}

