import Foundation

/// One HTTP request as the sync client makes it.
public struct HTTPRequestSpec: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The full URL.
    public var url: String
    /// Header lines, e.g. `["Authorization": "Bearer …"]`.
    public var headers: [String: String]
    /// The body, for POST.
    public var body: Data?

    /// Creates a request.
    public init(method: String, url: String, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// An HTTP answer.
public struct HTTPReply: Sendable {
    /// Status code.
    public var status: Int
    /// Response headers, names lower-cased.
    public var headers: [String: String]
    /// The (decompressed) body.
    public var body: Data
}

/// A transport-level failure: nothing (or nothing complete) came back.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// libcurl's result code.
    public var code: Int
    /// libcurl's message for it, with detail.
    public var message: String

    /// Creates a transport error.
    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Whether libcurl failed a certificate or TLS-configuration check (CURLE_PEER_FAILED_VERIFICATION,
    /// CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, …). CURLE_SSL_CONNECT_ERROR (35)
    /// is left out: it also means a reset handshake, which is worth retrying.
    public var isTLSFailure: Bool { [51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91].contains(code) }
}

/// Bytes and requests a client has put on the wire, for `--json` reports and the bench.
public struct WireCounters: Sendable, Hashable, Codable {
    /// HTTP requests completed (including retried ones).
    public var requests = 0
    /// Bytes sent: request lines, headers and bodies.
    public var bytesSent = 0
    /// Bytes received: status lines, headers and (compressed) bodies.
    public var bytesReceived = 0

    /// Creates zeroed counters.
    public init() {}
}

/// The seam between the sync loop and the network: send one request, get one reply.
public protocol HTTPTransport: AnyObject {
    /// Sends a request; throws `TransportError` when no complete reply arrived.
    func send(_ request: HTTPRequestSpec) throws -> HTTPReply
    /// What has gone over the wire so far.
    var counters: WireCounters { get }
    /// How many `send` calls may run at once from different threads (1: one at a time).
    var maximumConcurrentRequests: Int { get }
}

extension HTTPTransport {
    /// A transport is used one request at a time unless it says otherwise.
    public var maximumConcurrentRequests: Int { 1 }
}
