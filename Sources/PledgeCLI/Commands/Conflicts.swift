import ArgumentParser
import PledgeModel
import PledgeStore

extension PledgeCommand {
    /// `pledge conflicts`: open conflicts in this node's scope, as of the last sync.
    struct Conflicts: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List open conflicts in scope (as of the last sync).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let conflicts = try store.openInitialized().conflicts()
                if output.json { return try Console.json(conflicts) }
                if conflicts.isEmpty { return Console.say("no open conflicts") }
                for conflict in conflicts {
                    Console.out("conflict \(conflict.id): pledge \(conflict.pledgeId) field \(conflict.field.rawValue) (opened \(conflict.openedAt))")
                    for candidate in conflict.candidates {
                        Console.out("  [\(candidate.number)] \(candidate.value.displayText)   by \(candidate.actor) at \(candidate.receivedAt)")
                    }
                }
                Console.say("resolve with: pledge resolve CONFLICT_ID --take N   (or --value VALUE)")
            }
        }
    }

    /// `pledge resolve`: settles a conflict by choosing a candidate or a new value; syncs like any change.
    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve a conflict by taking a candidate or giving a new value (sent at the next sync).")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The conflict's id (or a prefix of it).") var conflictId: String
        @Option(help: "The number of the candidate to keep, as `pledge conflicts` shows it.") var take: Int?
        @Option(parsing: .unconditional, help: "A new value instead of any candidate.") var value: String?

        func validate() throws {
            guard (take != nil) != (value != nil) else { throw ValidationError("give exactly one of --take CANDIDATE or --value VALUE") }
        }

        func run() throws {
            try reportingErrors {
                try store.openInitialized().resolve(conflict: conflictId, taking: take, value: value)
                Console.say("resolution of \(conflictId) recorded; it reaches the registry at the next `pledge sync`")
            }
        }
    }
}
