import ArgumentParser
import PledgeCLI

// Dispatch by hand: some subcommands are async (sync, registry serve) and others are not,
// and ArgumentParser's static `main()` picks the synchronous path on this toolchain.
do {
    var command = try PledgeCommand.parseAsRoot()
    if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
    } else {
        try command.run()
    }
} catch {
    PledgeCommand.exit(withError: error)
}
