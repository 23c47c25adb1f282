import ArgumentParser
import PledgeCLI
#if canImport(CMalloc)
import CMalloc

// Sync hands each pull page and push answer from a network thread to the store's thread. With
// glibc's default (up to 8 malloc arenas per core), the freed buffers scatter over many arenas and
// a long pull's peak memory grew from 48 MB to 183 MB over 1,000,000 pledges (Scripts/bench);
// two arenas keep it flat. Set before any thread exists.
_ = mallopt(M_ARENA_MAX, 2)
#endif

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
