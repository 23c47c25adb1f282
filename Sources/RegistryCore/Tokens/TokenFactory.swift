import Foundation
import PledgeSecurity

/// Makes bearer tokens and their stored hashes.
public enum TokenFactory {
    /// A new token `plg_<id>_<secret>`: the public id, then 256 random bits from the system's
    /// cryptographic generator, URL-safe base64.
    public static func makeToken(id: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "plg_\(id)_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A short random id to name a token in listings and revocation (not secret).
    public static func makeTokenId() -> String {
        var generator = SystemRandomNumberGenerator()
        return Digest.hex((0..<8).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The public id inside a token, or nil if it is not shaped like one.
    public static func tokenId(of token: String) -> String? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "plg", parts[1].count == 16, parts[1].allSatisfy(\.isHexDigit) else { return nil }
        return String(parts[1])
    }

    /// The hash stored for a token: SHA-256, hex.
    public static func hash(_ token: String) -> String {
        Digest.sha256(token)
    }

    /// Compares two hashes in time independent of where they differ.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
