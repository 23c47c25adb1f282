import ArgumentParser

/// The `pledge` command: a delegation node's pledges offline, sync with the registry, and the registry itself.
@available(macOS 10.15, *)
public struct PledgeCommand: AsyncParsableCommand {
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
            Sync.self, Conflicts.self, Resolve.self, Export.self, Import.self, Report.self, Registry.self,
        ])

    public init() {}
}
