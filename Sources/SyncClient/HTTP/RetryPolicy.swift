import Foundation

/// When and how long to wait before retrying: exponential backoff with full jitter, capped, and
/// a server's `Retry-After` honoured on any retryable answer (429, 5xx).
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var attempts: Int
    /// Delay before the first retry, before jitter.
    public var baseDelay: Double
    /// Largest delay between two attempts.
    public var maximumDelay: Double

    /// Creates a policy. The default (5 attempts, 0.5 s doubling, capped at 8 s, jittered down to half)
    /// waits at most 7.5 s in all when the registry is unreachable, plus each attempt's own timeout.
    public init(attempts: Int = 5, baseDelay: Double = 0.5, maximumDelay: Double = 8) {
        self.attempts = max(1, attempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), given a server's Retry-After.
    public func delay(after attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), maximumDelay) }
        let ceiling = min(maximumDelay, baseDelay * pow(2, Double(attempt - 1)))
        // Jitter between half and all of the ceiling spreads out nodes that failed together.
        return Double.random(in: ceiling / 2 ... ceiling)
    }

    /// Whether an HTTP status is worth retrying.
    public static func isRetryable(status: Int) -> Bool { status == 429 || status >= 500 }
}
