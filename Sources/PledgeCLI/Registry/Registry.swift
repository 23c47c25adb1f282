import ArgumentParser

extension PledgeCommand {
    /// `pledge registry …`: run and operate the central registry.
    struct Registry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run and operate the central registry.", subcommands: [])
    }
}
