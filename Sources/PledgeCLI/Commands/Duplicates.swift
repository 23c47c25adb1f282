import ArgumentParser
import PledgeModel
import PledgeStore

extension PledgeCommand {
    /// `pledge duplicates`: likely duplicate submissions (Secretariat).
    struct Duplicates: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List likely duplicate submissions: same delegation, ministerial, area and modality, similar titles.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Smallest title similarity reported, 0 to 1.") var threshold = DuplicateFinder.defaultThreshold

        func run() throws {
            try reportingErrors {
                let pledges = try store.openInitialized().pledges().map(\.pledge)
                let candidates = DuplicateFinder.candidates(in: pledges, threshold: threshold)
                if output.json { return try Console.json(candidates) }
                if candidates.isEmpty { return Console.say("no likely duplicates") }
                for candidate in candidates {
                    Console.out("\(candidate.duplicate)  duplicates  \(candidate.keep)  (title similarity \(Percent.format(candidate.similarity)))")
                    Console.out("    keep:      \(candidate.titles[0])")
                    Console.out("    duplicate: \(candidate.titles[1])")
                }
                Console.say("merge with: pledge merge DUPLICATE_ID --into ID")
            }
        }
    }

    /// `pledge merge`: keeps one pledge, supersedes the other, carries its fields over.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a duplicate into the pledge kept (Secretariat; sent at the next sync).",
            discussion: """
                Fields only the duplicate has are copied to the kept pledge; where both have different values the \
                registry keeps the kept pledge's and records the duplicate's as a conflict candidate. The duplicate \
                becomes SUPERSEDED, linked to the kept pledge.
                """)

        @OptionGroup var store: StoreOptions
        @Argument(help: "The duplicate pledge's id, id prefix or reference.") var duplicate: String
        @Option(help: "The pledge to keep.") var into: String

        func run() throws {
            try reportingErrors {
                let (carried, conflicting) = try store.openInitialized().merge(duplicate: duplicate, into: into)
                Console.say("merged \(duplicate) into \(into): carried over \(carried.map(\.rawValue).joined(separator: ", ").nonEmpty ?? "nothing"); "
                            + "conflicts to resolve on \(conflicting.map(\.rawValue).joined(separator: ", ").nonEmpty ?? "none") after the next sync")
            }
        }
    }
}

extension String {
    /// The string, or nil when empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
