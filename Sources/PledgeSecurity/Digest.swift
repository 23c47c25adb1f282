import Crypto
import Foundation

/// SHA-256 as lower-case hex: change content hashes, the audit chain, token hashes, bundle digests.
public enum Digest {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// SHA-256 of `data`, hex.
    public static func sha256(_ data: Data) -> String {
        hex(ofDigest: SHA256.hash(data: data))
    }

    /// SHA-256 of bytes in memory, hex (no copy into a `Data` first).
    public static func sha256(bytes: UnsafeRawBufferPointer) -> String {
        hex(ofDigest: SHA256.hash(data: bytes))
    }

    /// A digest's 64 hex digits, written straight into the string (a digest iterates as a new array).
    private static func hex(ofDigest digest: SHA256.Digest) -> String {
        digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                for (index, byte) in bytes.enumerated() {
                    out[2 * index] = hexDigits[Int(byte >> 4)]
                    out[2 * index + 1] = hexDigits[Int(byte & 0x0f)]
                }
                return bytes.count * 2
            }
        }
    }

    /// SHA-256 of a string's UTF-8 bytes, hex.
    public static func sha256(_ text: String) -> String {
        // Hashed where the string keeps its bytes: no copy into a `Data` first.
        var text = text
        return text.withUTF8 { sha256(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Lower-case hex of bytes, from a lookup table (`String(format:)` per byte was a measured hot spot).
    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
