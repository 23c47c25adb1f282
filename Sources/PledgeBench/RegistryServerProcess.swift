import Foundation

/// A real `pledge registry serve` on 127.0.0.1 with a free port, as a separate process.
final class RegistryServerProcess {
    /// The registry's SQLite file.
    let databasePath: String
    /// The base URL, e.g. `http://127.0.0.1:41234`.
    let url: String
    /// The server process.
    let child: ChildProcess

    /// Starts the server over `databasePath` and waits (at most 60 s) until it prints its address.
    init(pledgeBinary: String, databasePath: String, logPrefix: String) throws {
        self.databasePath = databasePath
        child = try ChildProcess(executable: pledgeBinary,
                                 arguments: ["registry", "serve", "--db", databasePath, "--port", "0"],
                                 stdoutPath: logPrefix + ".out", stderrPath: logPrefix + ".err")
        let deadline = Stopwatch.now() + 60
        var found: String?
        while Stopwatch.now() < deadline {
            if let line = child.stdout().split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                found = String(line.dropFirst("listening on ".count))
                break
            }
            guard child.isRunning else { break }
            usleep(20_000)
        }
        guard let found else {
            child.stop(grace: 1)
            throw BenchFailure("the registry did not start: \(child.stderr().suffix(500))")
        }
        url = found
    }

    /// CPU seconds (user + system) the server has used so far.
    func cpuSeconds() -> Double { ProcessStats.cpuSeconds(pid: child.pid) }

    /// The server's peak resident set so far, in kilobytes.
    func peakRSSKilobytes() -> Int { ProcessStats.peakRSSKilobytes(pid: child.pid) }

    /// Stops the server (SIGTERM, then SIGKILL after 10 s).
    func stop() { child.stop() }

    /// Never leaves a server running.
    deinit { child.stop(grace: 2) }
}
