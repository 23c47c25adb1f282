import CCurl
import Foundation

/// Settings of the libcurl transport.
public struct CurlSettings: Sendable {
    /// Connect timeout, milliseconds.
    public var connectTimeoutMilliseconds = 5_000
    /// Whole-request timeout, milliseconds.
    public var totalTimeoutMilliseconds = 60_000
    /// A CA bundle to trust instead of the system's, for a registry with a private CA.
    public var caFile: String?
    /// Whether to verify the server's TLS certificate and host name (on unless explicitly turned off).
    public var verifyTLS = true
    /// Requests that may be in flight at once, each on its own handle and kept-alive connection:
    /// a push sends its next batch while the registry still works on one (docs/protocol.md).
    public var maximumConcurrentRequests = 2

    /// Creates default settings.
    public init() {}
}

/// HTTP over reused libcurl easy handles: keep-alive connection reuse, gzip, timeouts, TLS verification.
///
/// Thread-safe: libcurl's easy interface allows one transfer per handle at a time, so each request
/// takes an idle handle (or makes one, up to `maximumConcurrentRequests`) and gives it back after.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    private let settings: CurlSettings
    // Guards `idleHandles` and `wire`; never held during a transfer.
    private let lock = NSLock()
    /// Easy handles (`CURL *`, an opaque `void *` in C) not in a transfer now, each with its connection.
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private var wire = WireCounters()

    private static let globalInit: Void = {
        // "This function must be called at least once within a program before the program calls
        // any other function in libcurl" (curl_global_init(3)); it is not thread-safe, hence once.
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Creates a transport; its easy handles are made on first use.
    public init(settings: CurlSettings = CurlSettings()) {
        _ = CurlTransport.globalInit
        self.settings = settings
    }

    deinit { idleHandles.forEach(curl_easy_cleanup) }

    /// What has gone over the wire so far, on every handle.
    public var counters: WireCounters { lock.withLock { wire } }

    /// At most this many requests are in flight at once; more callers than that each get a handle
    /// of their own all the same, since a caller never waits for another's transfer.
    public var maximumConcurrentRequests: Int { max(1, settings.maximumConcurrentRequests) }

    public func send(_ request: HTTPRequestSpec) throws -> HTTPReply {
        let handle = lock.withLock { idleHandles.popLast() } ?? curl_easy_init()
        guard let handle else { throw TransportError(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_easy_init failed: out of memory") }
        defer {
            lock.withLock {
                if idleHandles.count < maximumConcurrentRequests { idleHandles.append(handle) } else { curl_easy_cleanup(handle) }
            }
        }
        return try send(request, on: handle)
    }

    private func send(_ request: HTTPRequestSpec, on handle: UnsafeMutableRawPointer) throws -> HTTPReply {
        // Reuse the handle (and so its connection cache) but start each request from clean options.
        curl_easy_reset(handle)
        let sink = ResponseSink()
        let sinkPointer = Unmanaged.passRetained(sink).toOpaque()
        defer { Unmanaged<ResponseSink>.fromOpaque(sinkPointer).release() }

        var headerList: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        if request.body != nil { headerList = curl_slist_append(headerList, "Content-Type: application/json") }
        // An empty "Expect:" stops libcurl from waiting for "100 Continue" on larger POST bodies.
        headerList = curl_slist_append(headerList, "Expect:")
        defer { curl_slist_free_all(headerList) }

        try check(pledge_curl_setopt_string(handle, CURLOPT_URL, request.url), "setting the URL")
        try check(pledge_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "disabling signals")
        try check(pledge_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeoutMilliseconds), "setting the connect timeout")
        try check(pledge_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, settings.totalTimeoutMilliseconds), "setting the timeout")
        // "" asks libcurl to offer every encoding it supports (gzip, deflate) and decode the answer.
        try check(pledge_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""), "enabling compression")
        try check(pledge_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, settings.verifyTLS ? 1 : 0), "setting TLS verification")
        try check(pledge_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, settings.verifyTLS ? 2 : 0), "setting TLS host verification")
        if let caFile = settings.caFile { try check(pledge_curl_setopt_string(handle, CURLOPT_CAINFO, caFile), "setting the CA file") }
        try check(pledge_curl_setopt_string(handle, CURLOPT_USERAGENT, "pledge-sync/1"), "setting the user agent")
        try check(pledge_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "setting headers")
        try check(pledge_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, ResponseSink.writeBody), "setting the body callback")
        try check(pledge_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer), "setting the body sink")
        try check(pledge_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, ResponseSink.writeHeader), "setting the header callback")
        try check(pledge_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer), "setting the header sink")

        let result: CURLcode = try withBody(request, on: handle) { curl_easy_perform(handle) }
        try check(result, "\(request.method) \(request.url)")
        let sent = Self.info(CURLINFO_REQUEST_SIZE, of: handle) + Self.infoOffset(CURLINFO_SIZE_UPLOAD_T, of: handle)
        let received = Self.info(CURLINFO_HEADER_SIZE, of: handle) + sink.wireBodyBytes
        lock.withLock {
            wire.requests += 1
            wire.bytesSent += sent
            wire.bytesReceived += received
        }
        return HTTPReply(status: Self.info(CURLINFO_RESPONSE_CODE, of: handle), headers: sink.headers, body: sink.body)
    }

    private func withBody(_ request: HTTPRequestSpec, on handle: UnsafeMutableRawPointer, _ perform: () -> CURLcode) throws -> CURLcode {
        guard request.method == "POST" else {
            try check(pledge_curl_setopt_long(handle, CURLOPT_HTTPGET, 1), "setting GET")
            return perform()
        }
        let body = request.body ?? Data()
        return try body.withUnsafeBytes { bytes in
            // CURLOPT_POSTFIELDS does not copy: the buffer must outlive the transfer, which it does here.
            try check(pledge_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "setting the body size")
            try check(pledge_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)), "setting the body")
            return perform()
        }
    }

    private static func info(_ item: CURLINFO, of handle: UnsafeMutableRawPointer) -> Int {
        var value = 0
        _ = pledge_curl_getinfo_long(handle, item, &value)
        return value
    }

    private static func infoOffset(_ item: CURLINFO, of handle: UnsafeMutableRawPointer) -> Int {
        var value: curl_off_t = 0
        _ = pledge_curl_getinfo_off_t(handle, item, &value)
        return value
    }

    private func check(_ code: CURLcode, _ doing: String) throws {
        guard code != CURLE_OK else { return }
        throw TransportError(code: Int(code.rawValue), message: "\(doing): \(String(cString: curl_easy_strerror(code)))")
    }
}

/// Collects a response's headers and body from libcurl's callbacks.
private final class ResponseSink {
    var body = Data()
    var headers: [String: String] = [:]
    var wireBodyBytes = 0

    static let writeBody: pledge_curl_data_callback = { pointer, size, count, userdata in
        let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
        let length = size * count
        if let pointer { sink.body.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length) }
        return length
    }

    static let writeHeader: pledge_curl_data_callback = { pointer, size, count, userdata in
        let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
        let length = size * count
        guard let pointer else { return length }
        let line = String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
        if line.hasPrefix("HTTP/") { sink.headers = [:] }  // a new response (after a redirect or 100) starts over
        if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            sink.headers[name] = value
            if name == "content-length", let bytes = Int(value) { sink.wireBodyBytes = bytes }
        }
        return length
    }
}
