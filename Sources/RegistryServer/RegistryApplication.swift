import Foundation
import Hummingbird
import Logging
import PledgeSchema
import RegistryCore

/// How to run the registry's HTTP server.
public struct RegistryServerConfiguration: Sendable {
    /// Address to listen on (127.0.0.1 by default).
    public var host: String
    /// Port to listen on; 0 picks a free one.
    public var port: Int
    /// Largest request body accepted, in bytes.
    public var maximumBodyBytes: Int

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080, maximumBodyBytes: Int = 16 << 20) {
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// The routes of the registry: the seam both `pledge registry serve` and the tests use.
public func buildRouter(storage: any RegistryStorage, configuration: RegistryServerConfiguration) -> Router<BasicRequestContext> {
    let router = Router()
    // Before the routes: Hummingbird applies a middleware to the routes added after it, and to unmatched requests.
    router.add(middleware: UnknownRouteMiddleware())
    router.get("/v1/health") { _, _ in try jsonResponse(["status": "ok"]) }
    router.get("/v1/openapi.yaml") { _, _ in
        guard let document = try? SchemaResources.openAPIDocument() else {
            throw APIError(.notFound, "not-found", "the OpenAPI document is not installed with this registry")
        }
        return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: document)))
    }
    SyncController(storage: storage, maximumBodyBytes: configuration.maximumBodyBytes).register(on: router)
    return router
}

/// The registry application; `onRunning` receives the port actually bound (useful with port 0).
public func buildApplication(storage: any RegistryStorage, configuration: RegistryServerConfiguration,
                             logger: Logger = Logger(label: "pledge.registry"),
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(
        router: buildRouter(storage: storage, configuration: configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pledge-registry"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}
