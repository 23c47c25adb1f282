import ArgumentParser
import PledgeModel
import PledgeStore

extension PledgeCommand {
    /// `pledge review`: the Secretariat's decision on a pledge; it syncs back to the delegation.
    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the Secretariat's review decision on a pledge (Secretariat nodes; sent at the next sync).",
            discussion: "Acknowledging (or accepting) gives the pledge a registry reference such as PKM-2025-KOR-003, assigned by the registry.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The pledge's id, id prefix or reference.") var id: String
        @Flag(help: "Acknowledge receipt.") var acknowledge = false
        @Flag(help: "Accept the pledge.") var accept = false
        @Option(help: "Query the delegation, with a note saying what is needed.") var query: String?
        @Option(help: "Reject the pledge, with a note saying why.") var reject: String?

        func validate() throws {
            let chosen = [acknowledge, accept, query != nil, reject != nil].filter { $0 }.count
            guard chosen == 1 else { throw ValidationError("give exactly one of --acknowledge, --accept, --query NOTE, --reject NOTE") }
        }

        func run() throws {
            try reportingErrors {
                let (state, note): (ReviewState, String?) =
                    acknowledge ? (.acknowledged, nil) : accept ? (.accepted, nil) : query != nil ? (.queried, query) : (.rejected, reject)
                try store.openInitialized().edit(id, setting: [.review: .text(state.rawValue), .reviewNote: note.map(FieldValue.text) ?? .null])
                Console.say("review \(state.rawValue) recorded for \(id) (sent at the next sync)")
            }
        }
    }
}
