import ArgumentParser
import Foundation
import PledgeModel
import PledgeSecurity
import PledgeStore

extension PledgeCommand {
    /// `pledge bundle …`: sync by file, with no network (USB stick, e-mail, pouch).
    struct Bundle: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Carry changes to and from the registry as files, with no network.",
            subcommands: [ExportBundle.self, ImportBundle.self])
    }
}

extension PledgeCommand.Bundle {
    /// `pledge bundle export`: the unsent outbox as one signed, self-describing file.
    struct ExportBundle: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write every unsent change, signed by this device, to a bundle file for the registry's operator.")

        @OptionGroup var store: StoreOptions
        @Option(help: "The bundle file to write.") var output: String

        func run() throws {
            try reportingErrors {
                let bundle = try store.openInitialized().exportBundle()
                try CanonicalJSON.encode(bundle).write(to: URL(fileURLWithPath: output), options: .atomic)
                Console.say("wrote \(bundle.changes.count) change(s) to \(output); give it to the registry's operator, then import the return bundle")
            }
        }
    }

    /// `pledge bundle import`: applies the registry's return bundle like a push reply and a pull.
    struct ImportBundle: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Apply a return bundle from the registry: receipts clear the outbox, updates apply like a pull.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The return bundle file.") var file: String

        func run() throws {
            let node = try reportingErrors { try store.openInitialized() }
            guard let data = FileManager.default.contents(atPath: file) else {
                Console.say("error: file \(file) cannot be read")
                throw ExitStatus.invalidInput
            }
            do {
                let (results, pulled) = try node.importReturnBundle(data)
                let rejected = results.filter { $0.outcome == .rejected }
                Console.say("applied \(results.count) receipt(s) (\(rejected.count) refused) and \(pulled) pledge update(s)")
                for result in rejected { Console.say("  refused: change \(result.changeId): " + result.reasons.map(\.message).joined(separator: "; ")) }
                if !rejected.isEmpty { throw ExitCode.failure }
            } catch let error as BundleCodec.Failure {
                Console.say("error: \(error.description); nothing was applied")
                throw ExitStatus.invalidInput
            }
        }
    }
}
