import ArgumentParser
import PledgeCLI

// Dispatch by hand so that async commands (registry serve, token issue) run their `execute()`.
do {
    var command = try PledgeCommand.parseAsRoot()
    if let asyncCommand = command as? any AsyncRunnableCommand {
        try await asyncCommand.execute()
    } else {
        try command.run()
    }
} catch {
    PledgeCommand.exit(withError: error)
}
