import Foundation

/// Runs the real `pledge` executable built next to the test bundle.
public enum PledgeBinary {
    /// The built `pledge` executable (in the same build folder as the test bundle).
    public static let url: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("pledge")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let fallback = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("pledge")
        return fallback
    }()

    /// The outcome of one run.
    public struct Outcome: Sendable {
        /// Exit status (or 128 + signal when killed).
        public var status: Int32
        /// Everything written to stdout.
        public var stdout: String
        /// Everything written to stderr.
        public var stderr: String

        /// Creates an outcome.
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Runs `pledge` with `arguments` to completion and captures its output.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = try start(arguments, environment: environment)
        process.waitUntilExit()
        return process.outcome()
    }

    /// Starts `pledge` without waiting; output goes to temporary files read by `outcome()`.
    public static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningPledge {
        try RunningPledge(arguments: arguments, environment: environment)
    }
}

/// A `pledge` process started by a test.
public final class RunningPledge: @unchecked Sendable {
    /// The underlying process.
    public let process = Process()
    private let stdoutURL: URL
    private let stderrURL: URL

    init(arguments: [String], environment: [String: String]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-run-\(UUID().uuidString)")
        stdoutURL = base.appendingPathExtension("out")
        stderrURL = base.appendingPathExtension("err")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = PledgeBinary.url
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["PLEDGE_DB"] = nil
        merged["PLEDGE_TOKEN"] = nil
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Sends a signal (e.g. SIGKILL) to the process.
    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to end.
    public func waitUntilExit() { process.waitUntilExit() }

    /// The output so far (complete once the process has ended).
    public func outcome() -> PledgeBinary.Outcome {
        let out = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        let status = process.isRunning ? -1 : (process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus)
        return PledgeBinary.Outcome(status: status, stdout: out, stderr: err)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }
}

/// A fresh temporary directory, removed when the value is deinitialised.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The directory.
    public let url: URL

    /// Creates the directory.
    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
