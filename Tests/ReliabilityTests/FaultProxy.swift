import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP-aware TCP proxy on 127.0.0.1 between nodes and the registry that injects network
/// faults on a seeded schedule: one decision per request.
///
/// Faults: the connection dropped mid-request (the registry sees a partial body), the reply lost
/// after the registry acted on the request, the reply truncated, a delay, and a `500` or a
/// `429 Retry-After: 0` answered in the registry's place (with or without forwarding first).
final class FaultProxy: @unchecked Sendable {
    enum Fault: String, CaseIterable {
        /// Half the request reaches the registry, then both connections close.
        case dropMidRequest
        /// The registry handles the request; its reply never reaches the node.
        case dropReply
        /// The registry handles the request; the node gets the first part of the reply.
        case truncateReply
        /// The request is held back, then forwarded normally.
        case delay
        /// A 500 answered without forwarding.
        case status500
        /// A 429 with Retry-After: 0 answered without forwarding.
        case status429
        /// The registry handles the request, the node gets a 500 instead of its reply.
        case status500AfterForward
    }

    let port: Int
    private let listenFD: Int32
    private let lock = NSLock()
    private var upstreamPort: Int
    private var random: SeededRandom
    private var faultProbability = 0.0
    private var faultBudget = 0
    private var stopped = false
    private var clients: Set<Int32> = []
    private(set) var injected: [Fault: Int] = [:]
    private(set) var requests = 0

    init(upstreamPort: Int, random: SeededRandom) throws {
        guard let (fd, port) = Loopback.listen() else { throw ProxyError(message: "cannot listen on 127.0.0.1") }
        listenFD = fd
        self.port = port
        self.upstreamPort = upstreamPort
        self.random = random
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Injects faults with probability `probability` per request until `budget` faults are injected.
    func enableFaults(probability: Double, budget: Int) {
        lock.lock(); defer { lock.unlock() }
        faultProbability = probability
        faultBudget = budget
    }

    func disableFaults() {
        lock.lock(); defer { lock.unlock() }
        faultProbability = 0
        faultBudget = 0
    }

    /// Faults injected so far, all kinds together.
    var injectedTotal: Int {
        lock.lock(); defer { lock.unlock() }
        return injected.values.reduce(0, +)
    }

    var injectedByKind: [String: Int] {
        lock.lock(); defer { lock.unlock() }
        return Dictionary(uniqueKeysWithValues: injected.map { ($0.key.rawValue, $0.value) })
    }

    var faultBudgetLeft: Int {
        lock.lock(); defer { lock.unlock() }
        return faultBudget
    }

    func stop() {
        lock.lock()
        stopped = true
        let open = clients
        lock.unlock()
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    deinit { if !stopped { stop() } }

    // MARK: Internals

    private func acceptLoop() {
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                lock.lock(); let done = stopped; lock.unlock()
                if done || (errno != EINTR && errno != ECONNABORTED) { return }
                continue
            }
            Loopback.setTimeouts(client, seconds: 30)
            lock.lock(); clients.insert(client); lock.unlock()
            let thread = Thread { [self] in
                serve(client)
                lock.lock(); clients.remove(client); lock.unlock()
                close(client)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// The decision for the next request, and (for delays and truncation) a number to go with it.
    private func decide() -> (fault: Fault?, amount: Double, upstream: Int) {
        lock.lock(); defer { lock.unlock() }
        requests += 1
        guard faultBudget > 0, random.chance(faultProbability) else { return (nil, 0, upstreamPort) }
        let fault = random.pick(Fault.allCases)
        faultBudget -= 1
        injected[fault, default: 0] += 1
        return (fault, random.unit(), upstreamPort)
    }

    private func serve(_ client: Int32) {
        let reader = HTTPMessageReader(fd: client)
        while let request = reader.next(isResponse: false) {
            let (fault, amount, upstream) = decide()
            switch fault {
            case .status500?:
                Loopback.sendAll(client, Self.canned(500, "Internal Server Error", extra: ""))
                return
            case .status429?:
                Loopback.sendAll(client, Self.canned(429, "Too Many Requests", extra: "Retry-After: 0\r\n"))
                return
            case .dropMidRequest?:
                // The registry receives the head and part of the body, then the connection dies.
                if let server = Loopback.connect(port: upstream) {
                    let raw = request.raw
                    let cut = max(1, min(raw.count - 1, request.head.count + Int(Double(max(0, request.body.count - 1)) * amount)))
                    Loopback.sendAll(server, raw.prefix(cut))
                    usleep(20_000)
                    close(server)
                }
                return
            case .delay?:
                usleep(useconds_t(20_000 + amount * 300_000))
            default:
                break
            }
            guard let server = Loopback.connect(port: upstream) else { return }
            let forwarded = Loopback.sendAll(server, request.raw)
            let reply = forwarded ? HTTPMessageReader(fd: server).next(isResponse: true) : nil
            close(server)
            guard let reply else { return }
            switch fault {
            case .dropReply?:
                return
            case .truncateReply?:
                let raw = reply.raw
                Loopback.sendAll(client, raw.prefix(max(1, Int(Double(raw.count - 1) * amount))))
                return
            case .status500AfterForward?:
                Loopback.sendAll(client, Self.canned(500, "Internal Server Error", extra: ""))
                return
            default:
                guard Loopback.sendAll(client, reply.raw) else { return }
                if reply.headers["connection"]?.lowercased() == "close" { return }
            }
        }
    }

    private static func canned(_ status: Int, _ reason: String, extra: String) -> Data {
        let body = #"{"error":"injected-fault","message":"a fault injected by the test proxy"}"#
        return Data("HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\(extra)Connection: close\r\n\r\n\(body)".utf8)
    }
}

struct ProxyError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
