import ArgumentParser
import Foundation
import PledgeModel
import PledgeStore
import SyncClient

extension PledgeCommand {
    /// `pledge history`: each field's lineage from the registry's log, and this node's unsynced edits.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a pledge's history: each field's values, who set them, when, by which change; conflicts and resolutions.",
            discussion: "The registry's log is fetched when the registry is reachable; offline, only this node's own edits are shown.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The pledge's id, id prefix or reference.") var id: String
        @Flag(help: "Do not contact the registry; show this node's own edits only.") var offline = false

        func run() throws {
            let node = try reportingErrors { try store.openInitialized() }
            let (pledge, local) = try reportingErrors { try node.history(id) }
            var registry: PledgeHistory?
            var note: String?
            if !offline, (try? node.identity().registryURL) != nil {
                var settings = CurlSettings()
                settings.connectTimeoutMilliseconds = 2_000
                settings.totalTimeoutMilliseconds = 10_000
                do {
                    registry = try RegistryConnection.client(for: node, token: nil, settings: settings, retry: RetryPolicy(attempts: 1))
                        .history(of: pledge.id)
                } catch let error as RegistryClientError {
                    note = "registry history unavailable (\(error.description)); showing this node's edits"
                } catch let error as ExitCode where error == ExitStatus.invalidInput {
                    note = "no registry configured; showing this node's edits"
                }
            }
            if output.json {
                return try Console.json(HistoryDocument(pledge: pledge.id, registry: registry, local: local))
            }
            if let note { Console.say(note) }
            if let registry {
                Console.out("registry log for \(pledge.text(.ref) ?? pledge.id):")
                var table = Table(headings: ["AT", "FIELD", "VALUE", "HOW", "BY", "CHANGE"])
                // A line per field: an entry records all the fields one change set in one way. A change
                // is shown by the end of its id: change ids are time-ordered, so their first digits
                // are the same for changes made within a minute.
                table.rows = try registry.entries.flatMap { entry in
                    try entry.fieldValues().map { field, value in
                        [entry.receivedAt, field, Self.display(value), entry.kind, entry.actor, "…" + entry.changeId.suffix(8)]
                    }
                }
                Console.out(table.render(maximumWidth: 40))
                for conflict in registry.conflicts {
                    let candidates = conflict.candidates.map { "[\($0.number)] \($0.value.displayText) by \($0.actor)" }.joined(separator: ", ")
                    let outcome = conflict.state == .open ? "open" : "resolved to \(conflict.resolution?.displayText ?? "") by \(conflict.resolvedBy ?? "?")"
                    Console.out("conflict on \(conflict.field.rawValue): \(candidates) — \(outcome)")
                }
            }
            let unsynced = registry == nil ? local : local.filter { $0.state != "confirmed" }
            if !unsynced.isEmpty {
                Console.out(registry == nil ? "edits made on this node:" : "edits on this node not yet confirmed:")
                var table = Table(headings: ["AT", "FIELD", "FROM", "TO", "BY", "STATE"])
                table.rows = unsynced.map { [$0.at, $0.field, $0.oldValue.displayText, $0.newValue.displayText, $0.by, $0.state] }
                Console.out(table.render(maximumWidth: 40))
            }
        }

        /// A log value (JSON text) as a person reads it.
        static func display(_ json: String) -> String {
            (try? CanonicalJSON.decode(FieldValue.self, from: json))?.displayText ?? json
        }
    }
}

/// `pledge history --json`: the registry's lineage (when reachable) and this node's edits.
struct HistoryDocument: Encodable {
    let pledge: String
    let registry: PledgeHistory?
    let local: [HistoryEntry]
}
