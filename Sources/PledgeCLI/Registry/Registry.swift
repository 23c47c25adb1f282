import ArgumentParser
import Foundation
import Logging
import PledgeModel
import PledgeSecurity
import RegistryCore
import RegistryServer

extension PledgeCommand {
    /// `pledge registry …`: run and operate the central registry.
    struct Registry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run and operate the central registry.", subcommands: [Serve.self, Token.self, Key.self, Audit.self, Bundle.self])
    }
}

/// `--db PATH` for registry commands (required: a registry never guesses where its data lives).
struct RegistryDatabaseOptions: ParsableArguments {
    @Option(help: "The registry's SQLite file (WAL mode).") var db: String

    func open() throws -> SQLiteRegistry {
        do { return try SQLiteRegistry(path: db) } catch {
            Console.say("error: cannot open the registry database \(db): \(error)")
            throw ExitCode.failure
        }
    }
}

extension PledgeCommand.Registry {
    /// `pledge registry serve`: the HTTP server.
    struct Serve: AsyncRunnableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the registry over HTTP until interrupted (SIGINT or SIGTERM).")

        @OptionGroup var database: RegistryDatabaseOptions
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on; 0 picks a free one and prints it.") var port = 8080
        @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted, in bytes.") var maximumBodyBytes = 16 << 20

        func execute() async throws {
            let storage = try database.open()
            var logger = Logger(label: "pledge.registry")
            logger.logLevel = .warning
            let app = buildApplication(
                storage: storage,
                configuration: RegistryServerConfiguration(host: host, port: port, maximumBodyBytes: maximumBodyBytes),
                logger: logger,
                onRunning: { port in Console.out("listening on http://\(host):\(port)") })
            try await app.runService()
        }
    }

    /// `pledge registry key`: the public key that signs receipts and return bundles, to hand to
    /// delegations with their tokens so they can pin it (`pledge init --registry-key`).
    struct Key: AsyncRunnableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the registry's public key (signs receipts), for nodes to pin with `pledge init --registry-key`.")

        @OptionGroup var database: RegistryDatabaseOptions
        @Flag(help: "Print {\"publicKey\": …} as JSON.") var json = false

        func execute() async throws {
            let key = try await database.open().registryPublicKey()
            if json { try Console.json(["publicKey": key]) } else { Console.out(key) }
        }
    }

    /// `pledge registry token …`: issue and revoke bearer tokens.
    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue and revoke bearer tokens.", subcommands: [Issue.self, Revoke.self])
    }
}

extension PledgeCommand.Registry.Token {
    /// `pledge registry token issue`: prints a new token once; only its hash is stored.
    struct Issue: AsyncRunnableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token for a delegation's device or the Secretariat; prints it once.")

        @OptionGroup var database: RegistryDatabaseOptions
        @Option(help: "The delegation the token writes for, e.g. KOR.") var delegation: String?
        @Flag(help: "Issue a Secretariat token (scope: every pledge).") var secretariat = false
        @Option(help: "The device the token is for.") var device = "device"
        @Option(name: .customLong("public-key"), help: "The device's Ed25519 public key (`pledge status --json` shows it); else it enrols on first sync.")
        var publicKey: String?

        func validate() throws {
            guard (delegation != nil) != secretariat else { throw ValidationError("give exactly one of --delegation CODE or --secretariat") }
            if let delegation, ReferenceData.delegationsByCode[delegation] == nil {
                throw ValidationError("delegation (\(delegation)) is not a known delegation code")
            }
            if let publicKey, !Signatures.isPublicKey(publicKey) {
                throw ValidationError("public-key must be an Ed25519 public key in base64 (32 bytes)")
            }
        }

        func execute() async throws {
            let (id, token) = try await database.open().issueToken(for: delegation.map(Principal.delegation) ?? .secretariat,
                                                                   device: device, publicKey: publicKey)
            Console.say("issued token \(id) for \(delegation ?? "the Secretariat") (device \(device)); it is shown only now")
            Console.out(token)
        }
    }

    /// `pledge registry token revoke`: a revoked token is refused with 401 from then on.
    struct Revoke: AsyncRunnableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")

        @OptionGroup var database: RegistryDatabaseOptions
        @Argument(help: "The token's id, as printed by `token issue`.") var tokenId: String

        func execute() async throws {
            guard try await database.open().revokeToken(id: tokenId) else {
                Console.say("error: no active token has id \(tokenId)")
                throw ExitStatus.invalidInput
            }
            Console.say("revoked token \(tokenId)")
        }
    }
}
