import ArgumentParser

/// The `pledge` command: a delegation node's pledges offline, sync with the registry, and the registry itself.
public struct PledgeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pledge",
        abstract: "Record UN Peacekeeping Ministerial pledges offline and sync them with the central registry.",
        discussion: """
            Exit status: 0 done; 1 failed; 64 bad usage or invalid input (nothing written); \
            3 synced but conflicts wait for resolution; 4 registry unreachable (nothing lost, try later); \
            5 refused by the registry (token, permission).
            """,
        subcommands: [
            Init.self, Add.self, Edit.self, Withdraw.self, List.self, Show.self, History.self, Status.self,
            Sync.self, Conflicts.self, Resolve.self, Review.self, Duplicates.self, Merge.self, Export.self, Import.self, Report.self,
            Bundle.self, Registry.self,
        ])

    public init() {}
}

/// A command whose work is asynchronous (the registry's server and storage).
///
/// ArgumentParser's `AsyncParsableCommand.run()` resolves to the synchronous requirement when called
/// through an existential on this toolchain, so async commands expose `execute()` and `main` calls it.
public protocol AsyncRunnableCommand: ParsableCommand {
    /// Does the command's work.
    func execute() async throws
}
