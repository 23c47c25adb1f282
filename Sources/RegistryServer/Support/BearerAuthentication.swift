import Hummingbird
import RegistryCore

/// Finds the caller behind a request's `Authorization: Bearer …` header.
struct BearerAuthentication: Sendable {
    let storage: any RegistryStorage

    /// The 401 for a token the registry does not know or has revoked.
    static let unknownToken = APIError.unauthorized("the token is unknown or revoked")

    /// The caller, or a 401 (no token, unknown token, revoked token).
    func caller(of request: Request) async throws -> Caller {
        let token = try token(of: request)
        let found: Caller?
        do { found = try await storage.authenticate(token: token) } catch RegistryError.busy {
            throw APIError(.serviceUnavailable, "busy", "the registry is busy; retry shortly", retryAfterSeconds: 1)
        }
        guard let caller = found else { throw Self.unknownToken }
        return caller
    }

    /// The token of the request's `Authorization: Bearer …` header, or a 401 if there is none.
    func token(of request: Request) throws -> String {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("a bearer token is required (Authorization: Bearer TOKEN)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("the Authorization header must be `Bearer TOKEN`")
        }
        return String(parts[1])
    }
}
