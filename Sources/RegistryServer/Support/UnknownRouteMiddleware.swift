import Hummingbird

/// Answers a request for a path the registry does not serve with the same JSON error body as
/// every other error (Hummingbird's own 404 has an empty body, which clients cannot parse).
struct UnknownRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            let route = "\(request.method) \(request.uri.path.prefix(120))"
            throw APIError(error.status, "not-found", "the registry has no route \(route); see /v1/openapi.yaml")
        }
    }
}
