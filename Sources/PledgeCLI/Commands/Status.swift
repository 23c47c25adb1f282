import ArgumentParser
import PledgeModel
import PledgeStore

extension PledgeCommand {
    /// `pledge status`: pending changes, last sync, open conflicts, queried pledges.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show pending changes, the last sync, open conflicts and queried pledges.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                let status = try store.openInitialized().status()
                if output.json { return try Console.json(status) }
                Console.out("""
                    node: \(status.delegation ?? "Secretariat") (device \(status.device), key \(status.devicePublicKey))
                    registry: \(status.registry ?? "not set (pledge sync --registry URL)")
                    pledges: \(status.pledges)
                    pending changes: \(status.pendingChanges) (\(status.sentUnacknowledged) sent, awaiting acknowledgement)
                    open conflicts: \(status.openConflicts)
                    rejected changes: \(status.rejectedChanges)
                    last sync: \(status.lastSync ?? "never")
                    registry log head: \(status.registryLogHead ?? "none yet (given with each push reply)")
                    """)
                for rejected in status.rejected {
                    Console.out("refused by the registry (\(rejected.rejectedAt)): pledge \(rejected.pledgeId): " + rejected.reasons.map(\.message).joined(separator: "; "))
                }
                if !status.queriedPledges.isEmpty {
                    Console.out("queried by the Secretariat: \(status.queriedPledges.joined(separator: ", ")) (see `pledge show`)")
                }
            }
        }
    }
}
