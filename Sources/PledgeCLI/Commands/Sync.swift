import ArgumentParser

extension PledgeCommand {
    /// `pledge sync`: push the outbox, then pull to the end.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Push local changes to the registry, then pull everything new in scope.")
        @OptionGroup var store: StoreOptions
        func run() async throws { throw ExitCode.failure }
    }
}
