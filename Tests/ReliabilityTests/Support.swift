import Foundation
#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let sendFlags = Int32(MSG_NOSIGNAL)
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 { Glibc.connect(fd, address, length) }
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { Glibc.listen(fd, backlog) }
#elseif canImport(Darwin)
import Darwin
private let streamSocket = SOCK_STREAM
private let sendFlags: Int32 = 0  // SIGPIPE is ignored process-wide instead
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 { Darwin.connect(fd, address, length) }
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { Darwin.listen(fd, backlog) }
#endif
import PledgeModel
import PledgeStore
import SyncClient
import TestSupport

// MARK: Seeded randomness

/// SplitMix64: a tiny, fast, well-mixed generator whose whole state is one 64-bit seed, so a
/// failing run is replayed exactly by giving the same seed (`PLEDGE_RANDOM_SEED=N`).
///
/// The helpers below do their own range reduction instead of `Int.random(in:using:)`, so a seed
/// means the same schedule whatever the standard library's implementation.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (bound > 0).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    /// A number in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.upperBound - range.lowerBound + 1) }

    /// A number in `[0, 1)`.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Up to `count` distinct elements, in a random order.
    mutating func sample<T>(_ items: [T], upTo count: Int) -> [T] {
        var pool = items
        var chosen: [T] = []
        while !pool.isEmpty, chosen.count < count { chosen.append(pool.remove(at: below(pool.count))) }
        return chosen
    }

    /// An index chosen with the given weights (at least one positive).
    mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0) { $0 + max(0, $1) }
        var ticket = below(max(1, total))
        for (index, weight) in weights.enumerated() where weight > 0 {
            if ticket < weight { return index }
            ticket -= weight
        }
        return weights.count - 1
    }

    /// A lowercase version-4 UUID drawn from this generator (pledge ids are then the same on every replay).
    mutating func uuid() -> String {
        let hex = Array("0123456789abcdef")
        var characters: [Character] = []
        for index in 0..<32 {
            var nibble = below(16)
            if index == 12 { nibble = 4 }
            if index == 16 { nibble = 8 + (nibble & 3) }
            characters.append(hex[nibble])
        }
        let text = String(characters)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(text[text.index(text.startIndex, offsetBy: range.lowerBound)..<text.index(text.startIndex, offsetBy: range.upperBound)])
        }
        return parts.joined(separator: "-")
    }

    /// An independent generator for a sub-schedule (e.g. the fault proxy), derived from this one.
    mutating func fork() -> SeededRandom { SeededRandom(seed: next()) }
}

// MARK: Settings from the environment

/// Settings that `Scripts/soak` passes through the environment; small defaults keep CI fast.
enum ReliabilitySettings {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// An integer setting, or `fallback` when unset or unreadable.
    static func int(_ name: String, _ fallback: Int) -> Int {
        environment[name].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? fallback
    }

    /// The seed to use: `PLEDGE_RANDOM_SEED` if given, else a fresh random one (printed by the caller).
    static func seed(_ name: String = "PLEDGE_RANDOM_SEED") -> UInt64 {
        if let text = environment[name], let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) { return seed }
        var system = SystemRandomNumberGenerator()
        // Keep seeds short enough to copy by hand.
        return system.next() % 1_000_000_000_000
    }

    /// Steps of the randomized convergence test (fast setting by default).
    static var randomSteps: Int { int("PLEDGE_RANDOM_STEPS", 250) }
    /// Steps between full checkpoints (sync everything and check every invariant); 0: only at the end.
    static var checkpointEvery: Int { int("PLEDGE_RANDOM_CHECKPOINT", 0) }
    /// Crashes to inject (node and registry together).
    static var crashes: Int { int("PLEDGE_CRASHES", 16) }
    /// Network faults to inject.
    static var faults: Int { int("PLEDGE_FAULTS", 100) }
    /// Generated hostile requests beyond the hand-made corpus.
    static var hostileGenerated: Int { int("PLEDGE_HOSTILE_GENERATED", 300) }
}

/// Reports the figures of a run: printed, and appended as a JSON line to `$PLEDGE_RELIABILITY_REPORT` if set
/// (`Scripts/soak` sums them into the table of `docs/reliability.md`).
enum Figures {
    private static let lock = NSLock()

    static func report(_ suite: String, _ figures: [String: Any]) {
        var object = figures
        object["suite"] = suite
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        let line = String(decoding: data, as: UTF8.self)
        print("reliability-figures \(line)")
        guard let path = ReliabilitySettings.environment["PLEDGE_RELIABILITY_REPORT"], !path.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            try? handle.close()
        }
    }
}

// MARK: Loopback sockets

/// Minimal blocking POSIX socket helpers for loopback traffic (the fault proxy and raw HTTP).
enum Loopback {
    static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// The port of a `http://127.0.0.1:PORT` URL.
    static func port(of url: String) -> Int {
        Int(url.split(separator: ":").last.map(String.init)?.trimmingCharacters(in: CharacterSet(charactersIn: "/")) ?? "") ?? 0
    }

    /// Sets send and receive timeouts on a socket.
    static func setTimeouts(_ fd: Int32, seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A connected socket to 127.0.0.1:`port`, or nil.
    static func connect(port: Int, timeoutSeconds: Int = 30) -> Int32? {
        _ = ignoreSIGPIPE
        let fd = socket(AF_INET, streamSocket, 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); return nil }
        setTimeouts(fd, seconds: timeoutSeconds)
        return fd
    }

    /// A listening socket on 127.0.0.1 with a free port.
    static func listen() -> (fd: Int32, port: Int)? {
        _ = ignoreSIGPIPE
        let fd = socket(AF_INET, streamSocket, 0)
        guard fd >= 0 else { return nil }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, systemListen(fd, 64) == 0 else { close(fd); return nil }
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Writes all of `data`; false if the peer went away.
    @discardableResult
    static func sendAll(_ fd: Int32, _ data: Data) -> Bool {
        var offset = 0
        return data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            while offset < raw.count {
                let sent = send(fd, base + offset, raw.count - offset, sendFlags)
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    /// Reads what is available (blocking for at least one byte); nil at end of stream or on error/timeout.
    static func receive(_ fd: Int32, maximum: Int = 65_536) -> Data? {
        var buffer = [UInt8](repeating: 0, count: maximum)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, maximum, 0) }
        guard count > 0 else { return nil }
        return Data(buffer[0..<count])
    }
}

/// An HTTP message read off a socket: the head (start line and headers) and the body.
struct HTTPMessage {
    var head: Data
    var body: Data

    var raw: Data { head + body }

    /// The start line, e.g. `HTTP/1.1 200 OK` or `POST /v1/push HTTP/1.1`.
    var startLine: String { String(decoding: head.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self) }

    /// The status code of a response (0 if unreadable).
    var status: Int {
        let parts = startLine.split(separator: " ")
        return parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    }

    /// Header values by lower-cased name.
    var headers: [String: String] {
        var result: [String: String] = [:]
        for line in String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            result[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return result
    }
}

/// Reads HTTP/1.1 messages framed by Content-Length (or chunked, or end of stream) from a socket, keeping leftovers.
final class HTTPMessageReader {
    let fd: Int32
    private var buffer = Data()

    init(fd: Int32) { self.fd = fd }

    /// The next message; nil if the stream ended before a complete head.
    /// `untilClose` reads a body without framing to the end of the stream.
    func next(isResponse: Bool) -> HTTPMessage? {
        let separator = Data("\r\n\r\n".utf8)
        var headEnd: Range<Data.Index>?
        while true {
            headEnd = buffer.range(of: separator)
            if headEnd != nil { break }
            guard buffer.count < 1 << 20, let more = Loopback.receive(fd) else { return nil }
            buffer.append(more)
        }
        let head = buffer.subdata(in: buffer.startIndex..<headEnd!.upperBound)
        buffer = buffer.subdata(in: headEnd!.upperBound..<buffer.endIndex)
        var message = HTTPMessage(head: head, body: Data())
        let headers = message.headers
        if let length = headers["content-length"].flatMap(Int.init) {
            while buffer.count < length {
                guard let more = Loopback.receive(fd) else { return nil }
                buffer.append(more)
            }
            message.body = buffer.prefix(length)
            buffer = buffer.subdata(in: buffer.startIndex.advanced(by: length)..<buffer.endIndex)
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            // Keep the chunked framing as received; the proxy forwards bytes, not meaning.
            let terminator = Data("0\r\n\r\n".utf8)
            while buffer.range(of: terminator) == nil {
                guard let more = Loopback.receive(fd) else { return nil }
                buffer.append(more)
            }
            let end = buffer.range(of: terminator)!.upperBound
            message.body = buffer.subdata(in: buffer.startIndex..<end)
            buffer = buffer.subdata(in: end..<buffer.endIndex)
        } else if isResponse, message.status >= 200, message.status != 204, message.status != 304 {
            while let more = Loopback.receive(fd) { buffer.append(more) }
            message.body = buffer
            buffer = Data()
        }
        return message
    }
}

/// Raw HTTP over a fresh loopback connection: any bytes out, the reply (if any) back.
/// Used for hostile requests that libcurl would refuse to build (bad headers, wrong lengths, bad UTF-8).
enum RawHTTPClient {
    /// The reply, or nil if the server closed the connection without answering.
    static func exchange(port: Int, _ request: Data, timeoutSeconds: Int = 20) -> HTTPMessage? {
        guard let fd = Loopback.connect(port: port, timeoutSeconds: timeoutSeconds) else { return nil }
        defer { close(fd) }
        guard Loopback.sendAll(fd, request) else {
            // The server may answer early (e.g. 413) and close; try to read what it said.
            return HTTPMessageReader(fd: fd).next(isResponse: true)
        }
        return HTTPMessageReader(fd: fd).next(isResponse: true)
    }

    /// Builds a request with `Connection: close` and (unless given) a correct Content-Length.
    static func request(_ method: String, _ target: Data, headers: [(String, Data)] = [], body: Data? = nil,
                        contentLength: String? = nil) -> Data {
        var bytes = Data(method.utf8) + Data(" ".utf8) + target + Data(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
        for (name, value) in headers { bytes += Data("\(name): ".utf8) + value + Data("\r\n".utf8) }
        if let contentLength {
            bytes += Data("Content-Length: \(contentLength)\r\n".utf8)
        } else if let body {
            bytes += Data("Content-Length: \(body.count)\r\n".utf8)
        }
        bytes += Data("\r\n".utf8)
        if let body { bytes += body }
        return bytes
    }
}

// MARK: Recording transport

/// Every push body an in-process node sent, with the token that sent it, and the changes inside it
/// (so the checker knows each change's bases, and idempotence can replay every body).
final class PushRecorder: @unchecked Sendable {
    struct Sent {
        var body: Data
        var token: String
    }

    private let lock = NSLock()
    private(set) var bodies: [Sent] = []
    private var seenBodies: Set<Data> = []
    private(set) var changes: [String: Change] = [:]
    private(set) var results: [String: ChangeResult] = [:]

    func recordBody(_ body: Data, token: String) {
        lock.lock()
        defer { lock.unlock() }
        if !seenBodies.contains(body) {
            seenBodies.insert(body)
            bodies.append(Sent(body: body, token: token))
        }
        if let request = try? CanonicalJSON.decode(PushRequest.self, from: body) {
            for change in request.changes { changes[change.changeId] = change }
        }
    }

    func recordChanges(_ sealed: [Change]) {
        lock.lock()
        defer { lock.unlock() }
        for change in sealed { changes[change.changeId] = change }
    }

    func recordReply(_ body: Data) {
        guard let response = try? CanonicalJSON.decode(PushResponse.self, from: body) else { return }
        lock.lock()
        defer { lock.unlock() }
        for result in response.results where results[result.changeId] == nil { results[result.changeId] = result }
    }

    var snapshot: (bodies: [Sent], changes: [String: Change], results: [String: ChangeResult]) {
        lock.lock()
        defer { lock.unlock() }
        return (bodies, changes, results)
    }
}

/// Wraps libcurl: records push bodies before they go out and replies as they come back.
final class RecordingTransport: HTTPTransport {
    private let inner = CurlTransport()
    private let recorder: PushRecorder
    private let token: String

    init(recorder: PushRecorder, token: String) {
        self.recorder = recorder
        self.token = token
    }

    var counters: WireCounters { inner.counters }
    var maximumConcurrentRequests: Int { inner.maximumConcurrentRequests }

    func send(_ request: HTTPRequestSpec) throws -> HTTPReply {
        let isPush = request.method == "POST" && request.url.hasSuffix("/v1/push")
        if isPush, let body = request.body { recorder.recordBody(body, token: token) }
        let reply = try inner.send(request)
        if isPush, reply.status == 200 { recorder.recordReply(reply.body) }
        return reply
    }
}

/// A plain libcurl request, for protocol-level checks.
struct CurlHTTP {
    let base: String

    func send(_ method: String, _ path: String, token: String? = nil, body: Data? = nil) throws -> HTTPReply {
        var headers: [String: String] = [:]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try CurlTransport().send(HTTPRequestSpec(method: method, url: base + path, headers: headers, body: body))
    }
}
