import ArgumentParser
import Foundation
import PledgeModel
import PledgeStore
import SyncClient

extension PledgeCommand {
    /// `pledge sync`: push the outbox, then pull to the end.
    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push local changes to the registry, then pull everything new in scope.",
            discussion: """
                Exit status: 0 synced; 1 the registry refused some changes (reasons shown, and in `pledge status`); 3 synced, but conflicts wait for resolution (`pledge conflicts`); \
                4 registry unreachable after retries (nothing lost: sync again later); 5 token or permission refused.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The registry's base URL (remembered for next time).") var registry: String?
        @Option(help: "The bearer token (remembered for next time; or set $PLEDGE_TOKEN).") var token: String?
        @Flag(name: .customLong("dry-run"), help: "Show what would be sent, without sending anything.") var dryRun = false
        @Option(help: "Attempts per request before giving up with exit 4.") var attempts = 5
        @Option(name: .customLong("page-size"), help: "Pledges per pull page.") var pageSize = 500
        @Option(name: .customLong("batch-size"), help: "Changes per push request.") var batchSize = 500
        @Option(name: .customLong("ca-file"), help: "A CA bundle to trust for the registry's TLS certificate.") var caFile: String?

        func run() throws {
            let node = try reportingErrors { try store.openInitialized() }
            if dryRun { return try showDryRun(node) }
            try reportingErrors { try node.updateRegistry(url: registry, token: token) }
            var settings = CurlSettings()
            settings.caFile = caFile
            let client = try RegistryConnection.client(for: node, token: token, settings: settings, retry: RetryPolicy(attempts: attempts))
            client.onRetry = { attempt, wait, problem in
                Console.say("registry: \(problem); retrying in \(String(format: "%.1f", wait)) s (attempt \(attempt + 1) of \(attempts))")
            }
            var engine = SyncEngine()
            engine.pullPageSize = max(1, pageSize)
            engine.pushBatchSize = max(1, min(batchSize, 1_000))
            engine.progress = { Console.say($0) }
            let report: SyncReport
            do {
                report = try engine.run(store: node, client: client)
            } catch let error as RegistryClientError {
                Console.say("error: \(error.description)")
                switch error {
                case .unreachable: throw ExitStatus.unreachable
                case .refused: throw ExitStatus.refused
                case .protocolError, .untrusted: throw ExitCode.failure
                }
            }
            if output.json { try Console.json(report) } else { describe(report) }
            if report.rejected > 0 {
                Console.say("error: the registry refused \(report.rejected) change(s); they are listed above and in `pledge status`")
                throw ExitCode.failure
            }
            if report.openConflicts > 0 { throw ExitStatus.conflictsPending }
        }

        private func describe(_ report: SyncReport) {
            Console.say("pushed \(report.pushed) change(s): \(report.applied) applied, \(report.mergedWithConflicts) merged with conflicts, \(report.rejected) rejected")
            for rejection in report.rejections { Console.say("  rejected: \(rejection)") }
            Console.say("pulled \(report.pulled) pledge(s) in \(report.pages) page(s)")
            if report.openConflicts > 0 {
                Console.say("\(report.openConflicts) open conflict(s) wait for resolution: see `pledge conflicts`")
            }
        }

        private func showDryRun(_ node: NodeStore) throws {
            let changes = try reportingErrors { try node.unsentPreview() }
            if output.json { return try Console.json(changes) }
            Console.say("would push \(changes.count) change(s), then pull; nothing sent")
            for change in changes {
                let fields = change.fields.keys.sorted().map(\.rawValue).joined(separator: ", ")
                Console.out("\(change.changeId)  pledge \(change.pledgeId)  \(change.isCreation ? "create" : "edit"): \(fields)")
            }
        }
    }
}
