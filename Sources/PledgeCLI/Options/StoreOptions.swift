import ArgumentParser
import Foundation
import PledgeStore

/// `--db PATH`, shared by every command that uses a local store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The node's SQLite file (default: $PLEDGE_DB, else ~/.local/share/pledge/node.sqlite).")
    var db: String?

    /// The path in force: the option, then $PLEDGE_DB, then the user's data directory.
    var path: String {
        if let db { return db }
        let environment = ProcessInfo.processInfo.environment
        if let fromEnvironment = environment["PLEDGE_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.local/share")
        return dataHome + "/pledge/node.sqlite"
    }

    /// Opens the store; it must have been set up with `pledge init`.
    func openInitialized() throws -> NodeStore {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.notInitialized(path: path) }
        let store = try NodeStore(path: path)
        _ = try store.identity()
        return store
    }
}

/// `--json`, shared by commands that print records.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document on stdout instead of a table.")
    var json = false
}
