import Foundation

/// What every scenario needs: the options, the sizes, a work directory and a way to start registries.
final class BenchContext {
    /// The parsed command line.
    let options: BenchOptions
    /// The sizes of this run.
    let sizes: BenchSizes
    /// Where databases and logs go.
    let workDirectory: String
    /// Ids handed out by `nextTag()`, so every fixture's pledge ids differ.
    private var lastTag: UInt32 = UInt32.random(in: 0x1000_0000...0x7fff_ffff)

    /// Creates the context and its work directory.
    init(options: BenchOptions) throws {
        self.options = options
        sizes = try BenchSizes.forMode(options.mode, overrides: options.sizeOverrides)
        workDirectory = options.workDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("pledge-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
    }

    /// A path inside the work directory (its folder is created).
    func path(_ name: String) -> String {
        let path = (workDirectory as NSString).appendingPathComponent(name)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return path
    }

    /// A fresh tag for a `PledgeFactory`.
    func nextTag() -> UInt32 {
        lastTag &+= 1
        return lastTag
    }

    /// Starts `pledge registry serve` over `databasePath`, logging beside it.
    func startRegistry(databasePath: String) throws -> RegistryServerProcess {
        try RegistryServerProcess(pledgeBinary: options.pledgeBinary, databasePath: databasePath,
                                  logPrefix: (databasePath as NSString).deletingPathExtension + "-server")
    }

    /// Runs `pledge ARGUMENTS` to completion; throws with its stderr if it fails with a status not in `accepting`.
    @discardableResult
    func runPledge(_ arguments: [String], logName: String, accepting: Set<Int32> = [0], timeout: Double = 3_600)
        throws -> (status: Int32, seconds: Double, peakRSSKilobytes: Int, child: ChildProcess) {
        let start = Stopwatch.now()
        let child = try ChildProcess(executable: options.pledgeBinary, arguments: arguments,
                                     stdoutPath: path("logs/\(logName).out"), stderrPath: path("logs/\(logName).err"))
        let (status, peak) = child.wait(timeout: timeout)
        let seconds = Stopwatch.now() - start
        guard accepting.contains(status) else {
            throw BenchFailure("`pledge \(arguments.prefix(2).joined(separator: " "))` failed with status \(status): \(child.stderr().suffix(800))")
        }
        return (status, seconds, peak, child)
    }

    /// Removes a work directory the bench made itself, unless `--keep` was given (a given `--work` is the caller's).
    func cleanUp() {
        if options.keepWork {
            BenchLog.say("work files kept in \(workDirectory)")
        } else if options.workDirectory == nil {
            try? FileManager.default.removeItem(atPath: workDirectory)
        }
    }
}
