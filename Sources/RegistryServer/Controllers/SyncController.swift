import Foundation
import Hummingbird
import PledgeModel
import PledgeSecurity
import RegistryCore

/// `POST /v1/push` and `GET /v1/pull`: the sync protocol (docs/protocol.md).
struct SyncController: Sendable {
    let storage: any RegistryStorage
    let maximumBodyBytes: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/push") { request, _ in try await push(request) }
        router.get("/v1/pull") { request, _ in try await pull(request) }
        router.get("/v1/registry-key") { _, _ in try jsonResponse(["publicKey": try await storage.registryPublicKey()]) }
        router.get("/v1/pledges/:id") { request, context in try await pledge(request, id: context.parameters.get("id") ?? "") }
        router.get("/v1/pledges/:id/history") { request, context in try await history(request, id: context.parameters.get("id") ?? "") }
    }

    func push(_ request: Request) async throws -> Response {
        var caller = try await BearerAuthentication(storage: storage).caller(of: request)
        if let offered = request.headers.first(where: { $0.name.canonicalName == "x-pledge-device-key" })?.value {
            // Enrolment on first sync over an authenticated connection; a key once registered stays.
            guard Signatures.isPublicKey(offered) else {
                throw APIError.badRequest("invalid-device-key", "X-Pledge-Device-Key must be an Ed25519 public key in base64")
            }
            var registered = caller.publicKey
            if registered == nil { registered = try await storage.enrol(tokenId: caller.tokenId, publicKey: offered) }
            guard registered == offered else {
                throw APIError(.forbidden, "device-key-mismatch", "this token belongs to a device with another key")
            }
            caller.publicKey = registered
        }
        let body = try await RequestDecoding.collectBody(request, limit: maximumBodyBytes)
        let push = try RequestDecoding.pushRequest(from: body)
        return jsonResponse(writing: try await mapStorageErrors { try await storage.push(push, by: caller) })
    }

    func pull(_ request: Request) async throws -> Response {
        let authentication = BearerAuthentication(storage: storage)
        let token = try authentication.token(of: request)
        let query = request.uri.queryParameters
        let cursor = query["cursor"].map(String.init) ?? ""
        var limit = 500
        if let text = query["limit"] {
            guard let value = Int(text), value > 0 else {
                // An unknown token still gets its 401 first.
                _ = try await authentication.caller(of: request)
                throw APIError.badRequest("invalid-request", "limit must be a positive integer")
            }
            limit = value
        }
        // Token and page in one database read: a no-op sync is this one request.
        guard let page = try await mapStorageErrors({ try await storage.pull(after: cursor, limit: limit, bearer: token) }) else {
            throw BearerAuthentication.unknownToken
        }
        return jsonResponse(writing: page)
    }

    /// `GET /v1/pledges/{id}`: one pledge with its versions and every conflict; 404 if unknown, 403 if out of scope.
    func pledge(_ request: Request, id: String) async throws -> Response {
        let caller = try await BearerAuthentication(storage: storage).caller(of: request)
        guard let state = try await mapStorageErrors({ try await storage.pledge(id: id.lowercased(), for: caller) }) else {
            throw APIError(.notFound, "unknown-pledge", "no pledge has id '\(id.prefix(80))'")
        }
        return try jsonResponse(state)
    }

    /// `GET /v1/pledges/{id}/history`: the pledge's lineage from the hash-chained change log.
    func history(_ request: Request, id: String) async throws -> Response {
        let caller = try await BearerAuthentication(storage: storage).caller(of: request)
        guard let history = try await mapStorageErrors({ try await storage.history(of: id.lowercased(), for: caller) }) else {
            throw APIError(.notFound, "unknown-pledge", "no pledge has id '\(id.prefix(80))'")
        }
        return try jsonResponse(history)
    }

    private func mapStorageErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch RegistryError.invalidCursor(let cursor) {
            throw APIError.badRequest("invalid-cursor", "cursor '\(cursor.prefix(80))' was not issued by this registry; pull again without a cursor")
        } catch RegistryError.badRequest(let message) {
            throw APIError.badRequest("invalid-request", message)
        } catch RegistryError.outOfScope(let id) {
            throw APIError(.forbidden, "forbidden", "pledge \(id) is not in your token's scope")
        } catch RegistryError.busy {
            throw APIError(.serviceUnavailable, "busy", "the registry is busy; retry shortly", retryAfterSeconds: 1)
        }
    }
}
