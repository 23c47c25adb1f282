import ArgumentParser
import Foundation
import PledgeModel
import PledgeSecurity
import RegistryCore

extension PledgeCommand.Registry {
    /// `pledge registry bundle import`: the operator applies a delegation's bundle and writes the return bundle.
    struct Bundle: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply bundles that arrived by file.", subcommands: [Import.self])
    }
}

extension PledgeCommand.Registry.Bundle {
    /// Applies a bundle through the same path as an HTTP push and writes the signed return bundle.
    struct Import: AsyncRunnableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a delegation's bundle (as an HTTP push would) and write the signed return bundle for it.")

        @Argument(help: "The bundle file from the delegation.") var file: String
        @OptionGroup var database: RegistryDatabaseOptions
        @Option(help: "Where to write the return bundle.") var output: String

        func execute() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                Console.say("error: file \(file) cannot be read")
                throw ExitStatus.invalidInput
            }
            let bundle: OutboundBundle
            do { bundle = try BundleCodec.outbound(from: data) } catch let error as BundleCodec.Failure {
                Console.say("error: \(file): \(error.description)")
                throw ExitStatus.invalidInput
            }
            if (try? BundleCodec.checksum(of: bundle.changes)) != bundle.manifest.checksum {
                Console.say("warning: the bundle's checksum does not match its changes: it was damaged or altered; each change is checked by its signature")
            }
            let registry = try database.open()
            let answer: ReturnBundle
            do { answer = try await registry.importBundle(bundle) } catch RegistryError.unknownDevice(let device) {
                Console.say("error: no active token has the key of device \(device) registered; issue one with `pledge registry token issue --public-key`")
                throw ExitStatus.refused
            }
            try CanonicalJSON.encode(answer).write(to: URL(fileURLWithPath: output), options: .atomic)
            let counts = Dictionary(grouping: answer.results, by: \.outcome).mapValues(\.count)
            Console.say("applied bundle from \(bundle.manifest.device): \(counts[.applied] ?? 0) applied, \(counts[.mergedWithConflicts] ?? 0) merged with conflicts, \(counts[.rejected] ?? 0) refused")
            for result in answer.results where result.outcome == .rejected {
                Console.say("  refused: change \(result.changeId): " + result.reasons.map(\.message).joined(separator: "; "))
            }
            Console.say("wrote the return bundle to \(output)")
        }
    }
}
