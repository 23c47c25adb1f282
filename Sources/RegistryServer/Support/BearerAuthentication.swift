import Hummingbird
import RegistryCore

/// Finds the caller behind a request's `Authorization: Bearer …` header.
struct BearerAuthentication: Sendable {
    let storage: any RegistryStorage

    /// The caller, or a 401 (no token, unknown token, revoked token).
    func caller(of request: Request) async throws -> Caller {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("a bearer token is required (Authorization: Bearer TOKEN)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("the Authorization header must be `Bearer TOKEN`")
        }
        let found: Caller?
        do { found = try await storage.authenticate(token: String(parts[1])) } catch RegistryError.busy {
            throw APIError(.serviceUnavailable, "busy", "the registry is busy; retry shortly", retryAfterSeconds: 1)
        }
        guard let caller = found else {
            throw APIError.unauthorized("the token is unknown or revoked")
        }
        return caller
    }
}
