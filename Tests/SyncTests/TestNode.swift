import Foundation
import GRDB
import PledgeSecurity
import PledgeModel
import PledgeStore
import SyncClient
import TestSupport

/// A node driven in-process: a real SQLite store and the real libcurl client against a real registry.
final class TestNode {
    let store: NodeStore
    let name: String
    var url: String
    let token: String
    var pageSize = 500
    var batchSize = 500

    init(_ name: String, in directory: TemporaryDirectory, delegation: String?, registry: RegistryProcess) throws {
        self.name = name
        store = try NodeStore(path: directory.path("\(name).sqlite"))
        token = try registry.issueToken(delegation.map { ["--delegation", $0] } ?? ["--secretariat"], device: name)
        url = registry.url
        try store.initialize(NodeIdentity(delegation: delegation, device: name, registryURL: url, token: token))
    }

    /// Push then pull to the end, with one attempt per request (tests want failures at once).
    @discardableResult
    func sync(transport: (any HTTPTransport)? = nil, attempts: Int = 1) throws -> SyncReport {
        var engine = SyncEngine()
        engine.pullPageSize = pageSize
        engine.pushBatchSize = batchSize
        let client = RegistryClient(baseURL: url, token: token, transport: transport ?? CurlTransport(),
                                    retry: RetryPolicy(attempts: attempts, baseDelay: 0.01, maximumDelay: 0.05))
        return try engine.run(store: store, client: client)
    }

    /// Adds a valid UNIT pledge and returns its id.
    func addHospital(title: String = "Level 2 hospital", women: Int = 12, delegation: String? = nil) throws -> String {
        var fields: FieldMap = [
            .ministerial: .text("BERLIN_2025"), .area: .text("MEDICAL"), .modality: .text("UNIT"), .title: .text(title),
            .unitType: .text("LEVEL_2_HOSPITAL"), .unitCount: .integer(1), .personnel: .integer(63), .women: .integer(women),
        ]
        if let delegation { fields[.delegation] = .text(delegation) }
        return try store.create(fields).pledge.id
    }

    /// Signs a hand-made change with this device's key, as the node signs its own.
    func sign(_ change: Change) throws -> Change {
        let privateKey = try DatabaseQueue(path: store.path).read {
            try String.fetchOne($0, sql: "SELECT value FROM node_setting WHERE key = 'device_private_key'")!
        }
        var signed = change
        signed.signature = try Signatures.sign(try Signatures.signedBytes(of: change), privateKey: privateKey)
        return signed
    }

    /// The pledge as this node shows it.
    func pledge(_ id: String) throws -> Pledge { try store.pledge(id).pledge }

    /// Every pledge this node shows, by id.
    func allPledges() throws -> [String: Pledge] {
        Dictionary(uniqueKeysWithValues: try store.pledges().map { ($0.pledge.id, $0.pledge) })
    }
}

/// Sends raw HTTP requests through libcurl, for protocol-level tests.
struct RawHTTP {
    let base: String

    func send(_ method: String, _ path: String, token: String? = nil, body: Data? = nil) throws -> HTTPReply {
        var headers: [String: String] = [:]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try CurlTransport().send(HTTPRequestSpec(method: method, url: base + path, headers: headers, body: body))
    }

    func json(_ reply: HTTPReply) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any]
    }
}

/// A transport that works for `allowed` requests, then fails as if the process died mid-sync.
final class FailingTransport: HTTPTransport {
    private let inner = CurlTransport()
    private var remaining: Int
    init(allowing allowed: Int) { remaining = allowed }
    var counters: WireCounters { inner.counters }
    var maximumConcurrentRequests: Int { inner.maximumConcurrentRequests }
    // Two push batches may be sent at once from two threads.
    private let lock = NSLock()
    func send(_ request: HTTPRequestSpec) throws -> HTTPReply {
        let allowed = lock.withLock {
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        guard allowed else { throw TransportError(code: 7, message: "simulated crash") }
        return try inner.send(request)
    }
}

/// A push request's body around sealed change bodies, as a node sends it (the batch signature after
/// the changes, when given).
func pushRequestBody(_ bodies: [Data], batchSignature: String? = nil) -> Data {
    var body = Data(#"{"changes":["#.utf8) + Data(bodies.joined(separator: Data(",".utf8))) + Data("]".utf8)
    if let batchSignature { body += Data(#","batchSignature":"\#(batchSignature)""#.utf8) }
    return body + Data("}".utf8)
}

/// Rows in `table` of the SQLite database at `path` (a registry's, read beside the running server).
func rowCount(_ table: String, in path: String) throws -> Int {
    try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
}
