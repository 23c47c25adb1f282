import ArgumentParser
import Foundation
import PledgeModel
import PledgeSecurity
import PledgeStore

extension PledgeCommand {
    /// `pledge init`: sets up a node for a delegation or for the Secretariat.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set up a node's local store for a delegation or the Secretariat.")

        @OptionGroup var store: StoreOptions
        @Option(help: "The delegation this node works for, e.g. KOR, ORG-EU, UN-DOS.") var delegation: String?
        @Flag(help: "Set up a UN Secretariat node, whose scope is every pledge.") var secretariat = false
        @Option(help: "The registry's base URL, e.g. https://registry.example.org.") var registry: String?
        @Option(help: "The bearer token issued by the registry's operator (or set $PLEDGE_TOKEN).") var token: String?
        @Option(help: "A name for this device (default: the delegation and host name).") var device: String?
        @Option(name: .customLong("registry-key"),
                help: "The registry's public key, from its operator (`pledge registry key`): pinned, so every receipt must verify with it; else the key the registry first presents is kept.")
        var registryKey: String?

        func validate() throws {
            guard (delegation != nil) != secretariat else { throw ValidationError("give exactly one of --delegation CODE or --secretariat") }
            if let delegation, ReferenceData.delegationsByCode[delegation] == nil {
                throw ValidationError("delegation (\(delegation)) is not a known delegation code (ISO 3166-1 alpha-3, ORG-XX or UN-XX)")
            }
            if let registryKey, !Signatures.isPublicKey(registryKey) {
                throw ValidationError("registry-key must be an Ed25519 public key in base64 (32 bytes), as `pledge registry key` prints it")
            }
        }

        func run() throws {
            try reportingErrors {
                let node = try NodeStore(path: store.path)
                let name = device ?? "\(delegation ?? "SECRETARIAT")-\(ProcessInfo.processInfo.hostName)"
                try node.initialize(NodeIdentity(delegation: delegation, device: name, registryURL: registry, token: token),
                                    registryPublicKey: registryKey)
                Console.say("initialised \(store.path) for \(delegation ?? "the Secretariat") (device \(name))"
                            + (registryKey == nil ? "" : "; registry key pinned"))
            }
        }
    }
}
