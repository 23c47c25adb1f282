import Foundation

/// How figures are printed.
enum Format {
    /// Seconds as `812 µs`, `12.3 ms` or `4.56 s`.
    static func seconds(_ value: Double) -> String {
        if value < 0.001 { return String(format: "%.0f µs", value * 1e6) }
        if value < 1 { return String(format: "%.1f ms", value * 1e3) }
        return String(format: "%.2f s", value)
    }

    /// CPU seconds, which the kernel counts in 10 ms ticks: `< 10 ms` below one tick.
    static func cpuSeconds(_ value: Double) -> String { value < 0.01 ? "< 10 ms" : seconds(value) }

    /// An integer with thousands separators: `1,000,000`.
    static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A rate as `23,456/s`.
    static func rate(_ perSecond: Double) -> String { count(Int(perSecond.rounded())) + "/s" }

    /// A ratio as `3.2×`.
    static func ratio(_ value: Double) -> String { String(format: value < 10 ? "%.2f×" : "%.0f×", value) }

    /// Kilobytes (as RSS is reported) as megabytes of 1,024 KB: `87.4 MB`.
    static func megabytes(kilobytes: Int) -> String { String(format: "%.1f MB", Double(kilobytes) / 1024) }
}
