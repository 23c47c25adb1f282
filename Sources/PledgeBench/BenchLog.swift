import Foundation

/// Progress lines on stderr, stamped with the seconds since the bench started.
enum BenchLog {
    /// When the bench started.
    static let origin = Stopwatch.now()

    /// Writes one progress line to stderr.
    static func say(_ message: String) {
        let stamp = String(format: "%7.1f", Stopwatch.now() - origin)
        FileHandle.standardError.write(Data("[bench \(stamp)s] \(message)\n".utf8))
    }
}
