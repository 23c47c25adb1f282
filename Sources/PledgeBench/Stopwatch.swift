import Foundation

/// Monotonic wall-clock timing.
enum Stopwatch {
    /// Seconds on the monotonic clock since an arbitrary origin.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Runs `body` and returns its result with the seconds it took.
    static func time<T>(_ body: () throws -> T) rethrows -> (value: T, seconds: Double) {
        let start = now()
        let value = try body()
        return (value, now() - start)
    }

    /// Runs `body` and returns the seconds it took.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        try time(body).seconds
    }
}
