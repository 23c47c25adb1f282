import Foundation

/// A real `pledge registry serve` on 127.0.0.1 with a free port, for integration tests.
public final class RegistryProcess: @unchecked Sendable {
    /// The registry's database file.
    public let databasePath: String
    /// The base URL, e.g. `http://127.0.0.1:41234`.
    public private(set) var url = ""
    private var running: RunningPledge?
    private let extraArguments: [String]

    /// Starts a registry over `databasePath` and waits until it listens.
    public init(databasePath: String, arguments: [String] = []) throws {
        self.databasePath = databasePath
        self.extraArguments = arguments
        try start()
    }

    /// Starts (or restarts) the server process on a new free port.
    public func start() throws {
        let process = try PledgeBinary.start(["registry", "serve", "--db", databasePath, "--port", "0"] + extraArguments)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let output = process.outcome()
            if let line = output.stdout.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                url = String(line.dropFirst("listening on ".count))
                running = process
                return
            }
            if !process.process.isRunning { throw RegistryStartError(message: output.stderr) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.signal(SIGKILL)
        throw RegistryStartError(message: "the registry did not report its address within 30 s")
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    public func kill() {
        running?.signal(SIGKILL)
        running?.waitUntilExit()
        running = nil
    }

    /// Issues a token through the real command line; returns the token text.
    public func issueToken(_ who: [String], device: String) throws -> String {
        let outcome = try PledgeBinary.run(["registry", "token", "issue", "--db", databasePath, "--device", device] + who)
        guard outcome.status == 0 else { throw RegistryStartError(message: outcome.stderr) }
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { kill() }
}

/// The registry could not be started.
public struct RegistryStartError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Creates the error.
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A loopback port with nothing listening on it (bound, then released).
public func unusedLoopbackPort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
