import ArgumentParser
import Foundation
import PledgeModel
import PledgeStore

/// Where output goes: records to stdout, messages to stderr (so `--json` stdout stays parseable).
enum Console {
    /// Writes a line to stdout.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a message line to stderr.
    static func say(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a value as one JSON document on stdout.
    static func json<T: Encodable>(_ value: T) throws {
        out(try CanonicalJSON.pretty(value))
    }

    /// Prints advisory warnings to stderr.
    static func warn(_ warnings: [ValidationIssue]) {
        for warning in warnings { say("warning: \(warning.message)") }
    }
}

/// Exit statuses of the command-line contract (DESIGN section 5).
enum ExitStatus {
    /// Sync done but conflicts wait for resolution.
    static let conflictsPending = ExitCode(3)
    /// Registry unreachable or timed out; nothing lost.
    static let unreachable = ExitCode(4)
    /// Refused by the registry (token, permission).
    static let refused = ExitCode(5)
    /// Bad usage or invalid input; nothing written.
    static let invalidInput = ExitCode(64)
}

/// Runs a command body, turning store errors into a message on stderr and the contract's exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as StoreError {
        for line in error.description.split(separator: "\n") { Console.say("error: \(line)") }
        switch error {
        case .notInitialized, .alreadyInitialized: throw ExitCode.failure
        default: throw ExitStatus.invalidInput
        }
    } catch let error as ValidationFailure {
        Console.say("error: " + error.issues.map(\.message).joined(separator: "\nerror: "))
        throw ExitStatus.invalidInput
    }
}
