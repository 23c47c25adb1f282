/// Money amounts are decimal strings, never floats: `1500000.00`, not `1.5e6`.
public enum DecimalAmount {
    /// Whether `text` is a positive decimal with at most 15 integer digits and 2 decimals.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              let whole = parts.first, (1...15).contains(whole.count), whole.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return false }
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        }
        return text.contains(where: { $0 != "0" && $0 != "." })
    }

    /// The amount in hundredths (cents), exact; nil if invalid.
    public static func hundredths(_ text: String) -> Int64? {
        guard isValid(text) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let whole = Int64(parts[0])!
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = String(parts[1])
            fraction = Int64(digits.count == 1 ? digits + "0" : digits)!
        }
        return whole * 100 + fraction
    }

    /// Formats hundredths as `1234.50`.
    public static func format(hundredths: Int64) -> String {
        let cents = hundredths % 100
        return "\(hundredths / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}

/// Formats a share as a percentage with one decimal, e.g. `12.5%`.
public enum Percent {
    /// Formats `0.125` as `12.5%`.
    public static func format(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

/// Checks and canonicalises UUID strings without Foundation.
public struct CanonicalUUID: Sendable, Hashable {
    /// The UUID in lowercase 8-4-4-4-12 form.
    public let text: String

    /// Accepts a UUID in any letter case; nil if malformed.
    public init?(_ candidate: String) {
        // By bytes: the registry checks two ids of every change it receives. 36 ASCII bytes, hyphens
        // after the 8th, 12th, 16th and 20th hex digit, hex digits everywhere else.
        var hasUppercase = false
        var count = 0
        for byte in candidate.utf8 {
            defer { count += 1 }
            switch count {
            case 8, 13, 18, 23:
                guard byte == UInt8(ascii: "-") else { return nil }
            case 36:
                return nil
            default:
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): break
                case UInt8(ascii: "A")...UInt8(ascii: "F"): hasUppercase = true
                default: return nil
                }
            }
        }
        guard count == 36 else { return nil }
        text = hasUppercase ? candidate.lowercased() : candidate
    }
}
