import ArgumentParser
import Foundation
import PledgeStore
import SyncClient

/// Builds the registry client for a node: URL from the store, token from the option, $PLEDGE_TOKEN or the store.
enum RegistryConnection {
    /// The client, or a usage error (exit 64) saying what is missing.
    static func client(for node: NodeStore, token: String?, settings: CurlSettings = CurlSettings(),
                       retry: RetryPolicy = RetryPolicy()) throws -> RegistryClient {
        let identity = try reportingErrors { try node.identity() }
        guard let url = identity.registryURL else {
            Console.say("error: no registry URL: give --registry URL to `pledge sync` (it is remembered)")
            throw ExitStatus.invalidInput
        }
        let environmentToken = ProcessInfo.processInfo.environment["PLEDGE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        guard let bearer = token ?? environmentToken ?? identity.token else {
            Console.say("error: no token: give --token TOKEN or set $PLEDGE_TOKEN (the registry's operator issues tokens)")
            throw ExitStatus.invalidInput
        }
        return RegistryClient(baseURL: url, token: bearer, transport: CurlTransport(settings: settings), retry: retry)
    }
}
