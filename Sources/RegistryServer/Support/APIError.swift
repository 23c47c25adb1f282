import Foundation
import Hummingbird
import PledgeModel

/// An error answer with a JSON body `{"error": code, "message": …}`; never a 5xx for a bad request.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var retryAfterSeconds: Int?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        let body = (try? CanonicalJSON.encode(ErrorBody(error: code, message: message))) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, "unauthorized", message) }
    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code, message) }
}

/// A 200 answer with a body that writes its own canonical JSON (no `Data` in between).
func jsonResponse(writing value: some CanonicalJSONWritable) -> Response {
    var writer = JSONWriter()
    value.writeJSON(to: &writer)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
}

/// Builds a 200 answer with a JSON body, encoded the one way the project encodes JSON.
func jsonResponse<T: Encodable>(_ value: T) throws -> Response {
    let body = try CanonicalJSON.encode(value)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
}

