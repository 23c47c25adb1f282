import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PledgeModel
import Testing

/// What a finished `pledge` process left behind.
struct CommandResult: CustomStringConvertible {
    /// The exit status, or 128 + signal number if a signal ended it.
    let status: Int32
    let stdoutData: Data
    let stderr: String

    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }

    var description: String { "exit \(status)\n--- stdout ---\n\(stdout.prefix(2000))\n--- stderr ---\n\(stderr.prefix(2000))" }
}

/// Finds and runs the built `pledge` executable with a private environment.
enum PledgeBinary {
    /// The `pledge` binary next to the test bundle (e.g. `.build/debug/pledge`).
    static let executable: URL = {
        var starts: [URL] = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        // Fallback: the package's own build directory, from this file's location.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        starts.append(packageRoot.appendingPathComponent(".build/debug"))
        for start in starts {
            var directory = start.standardizedFileURL
            while true {
                let candidate = directory.appendingPathComponent("pledge")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        fatalError("cannot find the built `pledge` executable near \(CommandLine.arguments[0]); run `swift build` first")
    }()

    /// A process that has been started; `finish()` waits for it and collects its output.
    final class Running {
        let process: Process
        let stdoutURL: URL
        let stderrURL: URL
        private let directory: URL

        init(_ arguments: [String], environment: [String: String]) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-run-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            stdoutURL = directory.appendingPathComponent("stdout")
            stderrURL = directory.appendingPathComponent("stderr")
            FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
            FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
            process = Process()
            process.executableURL = PledgeBinary.executable
            process.arguments = arguments
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            // Files, not pipes: a chatty child can never block on a full pipe.
            process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
            process.standardError = try FileHandle(forWritingTo: stderrURL)
            try process.run()
        }

        var pid: pid_t { process.processIdentifier }

        /// Waits for the process to end and returns its status and output.
        func finish() throws -> CommandResult {
            process.waitUntilExit()
            defer { try? FileManager.default.removeItem(at: directory) }
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            return CommandResult(status: status, stdoutData: try Data(contentsOf: stdoutURL),
                                 stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self))
        }
    }

    /// The environment for a run: no $PLEDGE_DB or token from the caller, a private home, no reachable proxy.
    static func environment(home: URL, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in ["PLEDGE_DB", "PLEDGE_TOKEN", "PLEDGE_REGISTRY"] { environment[key] = nil }
        environment["HOME"] = home.path
        environment["XDG_DATA_HOME"] = home.appendingPathComponent("data").path
        // Any attempt to reach a network would go to a closed local port.
        for key in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"] {
            environment[key] = "http://127.0.0.1:9"
        }
        environment["NO_PROXY"] = nil
        environment["no_proxy"] = nil
        for (key, value) in extra { environment[key] = value }
        return environment
    }
}

/// A temporary directory holding one or more node stores and files for a test.
final class Workspace {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Runs `pledge` with `arguments` and waits for it.
    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CommandResult {
        try start(arguments, environment: extra).finish()
    }

    /// Starts `pledge` with `arguments` without waiting.
    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> PledgeBinary.Running {
        try PledgeBinary.Running(arguments, environment: PledgeBinary.environment(home: url, extra: extra))
    }

    /// Runs `pledge init` for a delegation (nil: the Secretariat) and requires success.
    func initStore(_ db: String, delegation: String? = "KOR") throws {
        let who = delegation.map { ["--delegation", $0] } ?? ["--secretariat"]
        let result = try run(["init", "--db", db, "--device", "test-device"] + who)
        try #require(result.status == 0, "init failed: \(result)")
    }

    /// `pledge list --json` for `db`, required to succeed, as raw stdout.
    func listJSON(_ db: String) throws -> String {
        let result = try run(["list", "--db", db, "--json"])
        try #require(result.status == 0, "list failed: \(result)")
        return result.stdout
    }

    /// `pledge list --json` for `db`, decoded.
    func records(_ db: String) throws -> [ListedRecord] {
        let result = try run(["list", "--db", db, "--json"])
        try #require(result.status == 0, "list failed: \(result)")
        return try JSONDecoder().decode([ListedRecord].self, from: result.stdoutData)
    }

    /// `pledge status --json` for `db`, decoded.
    func status(_ db: String) throws -> ListedStatus {
        let result = try run(["status", "--db", db, "--json"])
        try #require(result.status == 0, "status failed: \(result)")
        return try JSONDecoder().decode(ListedStatus.self, from: result.stdoutData)
    }
}

/// The parts of a `list --json` / `show --json` record the tests read.
struct ListedRecord: Decodable, Equatable {
    let pledge: Pledge
    let pendingFields: [String]
    let isOnRegistry: Bool
}

/// The parts of `status --json` the tests read.
struct ListedStatus: Decodable {
    let delegation: String?
    let pledges: Int
    let pendingChanges: Int
    let sentUnacknowledged: Int
    let lastSync: String?
}

/// Whether `data` is exactly one JSON document (whitespace around it allowed, nothing else).
func isSingleJSONDocument(_ data: Data) -> Bool {
    (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
}
