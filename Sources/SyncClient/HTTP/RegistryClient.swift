import Foundation
import PledgeModel
import PledgeStore

/// Why talking to the registry failed, in the terms of the exit codes.
public enum RegistryClientError: Error, Sendable, CustomStringConvertible {
    /// Unreachable, timed out or answering 5xx/429 after every retry: try later (exit 4).
    case unreachable(String)
    /// The registry refused the token or the permission (exit 5).
    case refused(String)
    /// The registry answered something the client cannot use (exit 1).
    case protocolError(String)
    /// The registry's TLS certificate could not be verified; retrying would not help (exit 1).
    case untrusted(String)

    public var description: String {
        switch self {
        case .unreachable(let detail): return "the registry is unreachable (\(detail)); nothing was lost, sync again later"
        case .refused(let detail): return "the registry refused the request: \(detail)"
        case .protocolError(let detail): return "unexpected answer from the registry: \(detail)"
        case .untrusted(let detail):
            return "the registry's TLS certificate is not trusted (\(detail)); give its CA with --ca-file"
        }
    }
}

/// The registry's HTTP API as typed calls, with authentication and retries.
public final class RegistryClient {
    private let baseURL: String
    private let token: String
    private let transport: any HTTPTransport
    private let retry: RetryPolicy
    private let sleep: (Double) -> Void
    /// Told about each retry (attempt number, wait in seconds, reason), for progress messages; with
    /// two push batches in flight it may be called from two threads at once.
    public var onRetry: (Int, Double, String) -> Void = { _, _, _ in }

    /// Creates a client for the registry at `baseURL` (e.g. `http://127.0.0.1:8080`).
    public init(baseURL: String, token: String, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy(),
                sleep: @escaping (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.transport = transport
        self.retry = retry
        self.sleep = sleep
    }

    /// What has gone over the wire so far.
    public var counters: WireCounters { transport.counters }

    /// How many calls may be in flight at once, from different threads (the transport's limit).
    public var maximumConcurrentCalls: Int { transport.maximumConcurrentRequests }

    /// The device's public key, offered with each push so the registry can enrol it on first sync.
    public var devicePublicKey: String?

    /// Fetches the registry's public key, which signs receipts.
    public func registryPublicKey() throws -> String {
        try call(HTTPRequestSpec(method: "GET", url: baseURL + "/v1/registry-key"), as: [String: String].self)["publicKey"] ?? ""
    }

    /// Sends sealed changes as one batch with the device's signature over it; the changes are
    /// their sealed bytes, unchanged on retry.
    public func push(_ changes: [SealedChange], batchSignature: String) throws -> PushAnswer {
        var body = Data(#"{"batchSignature":"#.utf8)
        body.append(try CanonicalJSON.encode(batchSignature))
        body.append(contentsOf: Array(#","changes":["#.utf8))
        for (index, change) in changes.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(change.body)
        }
        body.append(contentsOf: Array("]}".utf8))
        var request = HTTPRequestSpec(method: "POST", url: baseURL + "/v1/push", body: body)
        if let devicePublicKey { request.headers["X-Pledge-Device-Key"] = devicePublicKey }
        return try call(request) { body in
            PushAnswer(response: try CanonicalJSON.decode(PushResponse.self, from: body), body: body)
        }
    }

    /// Fetches the page after `cursor`.
    public func pull(after cursor: String, limit: Int) throws -> PullPage {
        let escaped = cursor.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "+"])) ?? ""
        return try call(HTTPRequestSpec(method: "GET", url: baseURL + "/v1/pull?cursor=\(escaped)&limit=\(limit)"), as: PullPage.self)
    }

    /// Fetches a pledge's lineage from the registry's change log.
    public func history(of pledgeId: String) throws -> PledgeHistory {
        try call(HTTPRequestSpec(method: "GET", url: baseURL + "/v1/pledges/\(pledgeId)/history"), as: PledgeHistory.self)
    }

    private func call<T: Decodable>(_ request: HTTPRequestSpec, as type: T.Type) throws -> T {
        try call(request) { try CanonicalJSON.decode(T.self, from: $0) }
    }

    /// Sends `request` with the token, retrying what is worth retrying, and reads a 2xx body with `decode`.
    private func call<T>(_ request: HTTPRequestSpec, decode: (Data) throws -> T) throws -> T {
        var request = request
        request.headers["Authorization"] = "Bearer \(token)"
        var lastProblem = ""
        for attempt in 1...retry.attempts {
            var retryAfter: Double?
            do {
                let reply = try transport.send(request)
                switch reply.status {
                case 200..<300:
                    do { return try decode(reply.body) } catch {
                        // A truncated or garbled body is a network fault: retry like one.
                        lastProblem = "an unreadable \(reply.body.count)-byte answer"
                    }
                case 401, 403:
                    throw RegistryClientError.refused(Self.message(in: reply))
                case let status where RetryPolicy.isRetryable(status: status):
                    lastProblem = "HTTP \(status)"
                    retryAfter = reply.headers["retry-after"].flatMap(Double.init)
                default:
                    throw RegistryClientError.protocolError("HTTP \(reply.status): \(Self.message(in: reply))")
                }
            } catch let error as TransportError {
                if error.isTLSFailure { throw RegistryClientError.untrusted(error.message) }
                lastProblem = error.message
            }
            if attempt < retry.attempts {
                let wait = retry.delay(after: attempt, retryAfter: retryAfter)
                onRetry(attempt, wait, lastProblem)
                sleep(wait)
            }
        }
        throw RegistryClientError.unreachable("\(lastProblem), after \(retry.attempts) attempt(s)")
    }

    private static func message(in reply: HTTPReply) -> String {
        (try? CanonicalJSON.decode(ErrorBody.self, from: reply.body)).map { $0.message }
            ?? String(decoding: reply.body.prefix(200), as: UTF8.self)
    }
}

/// A push reply as it arrived: decoded, and its body's bytes (less the receipt, their digest is what the receipt signs).
public struct PushAnswer: Sendable {
    /// The decoded reply.
    public let response: PushResponse
    /// The body as received.
    public let body: Data
}
