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

    /// Creates default settings.
    public init() {}
}

/// HTTP over one reused libcurl easy handle: keep-alive connection reuse, gzip, timeouts, TLS verification.
///
/// Not thread-safe: libcurl's easy interface allows one transfer per handle at a time.
public final class CurlTransport: HTTPTransport {
    /// The easy handle (`CURL *`, an opaque `void *` in C).
    private let handle: UnsafeMutableRawPointer
    private let settings: CurlSettings
    public private(set) var counters = WireCounters()

    private static let globalInit: Void = {
        // "This function must be called at least once within a program before the program calls
        // any other function in libcurl" (curl_global_init(3)); it is not thread-safe, hence once.
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Creates a transport with its own easy handle.
    public init(settings: CurlSettings = CurlSettings()) {
        _ = CurlTransport.globalInit
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        self.handle = handle
        self.settings = settings
    }

    deinit { curl_easy_cleanup(handle) }

    public func send(_ request: HTTPRequestSpec) throws -> HTTPReply {
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

        let result: CURLcode = try withBody(request) { curl_easy_perform(handle) }
        try check(result, "\(request.method) \(request.url)")
        counters.requests += 1
        counters.bytesSent += Int(info(CURLINFO_REQUEST_SIZE)) + Int(infoOffset(CURLINFO_SIZE_UPLOAD_T))
        counters.bytesReceived += Int(info(CURLINFO_HEADER_SIZE)) + sink.wireBodyBytes
        return HTTPReply(status: Int(info(CURLINFO_RESPONSE_CODE)), headers: sink.headers, body: sink.body)
    }

    private func withBody(_ request: HTTPRequestSpec, _ perform: () -> CURLcode) throws -> CURLcode {
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

    private func info(_ item: CURLINFO) -> Int {
        var value = 0
        _ = pledge_curl_getinfo_long(handle, item, &value)
        return value
    }

    private func infoOffset(_ item: CURLINFO) -> Int {
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
