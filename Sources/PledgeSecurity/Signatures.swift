import Crypto
import Foundation
import PledgeModel

/// Ed25519 signatures over changes, receipts and bundles, with keys as base64 text.
public enum Signatures {
    /// Why a signature could not be made or checked.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    /// A new private key, base64 of its 32-byte raw form.
    public static func makePrivateKey() -> String {
        Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
    }

    /// The public key (base64) of a private key (base64).
    public static func publicKey(ofPrivateKey privateKey: String) throws -> String {
        try key(privateKey).publicKey.rawRepresentation.base64EncodedString()
    }

    /// Signs `data`; returns the signature as base64.
    public static func sign(_ data: Data, privateKey: String) throws -> String {
        try SigningKey(privateKey: privateKey).sign(data)
    }

    /// Whether `signature` (base64) is `publicKey`'s (base64) signature of `data`.
    public static func isValid(_ signature: String, of data: Data, publicKey: String) -> Bool {
        guard let signatureBytes = Data(base64Encoded: signature), let keyBytes = Data(base64Encoded: publicKey),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else { return false }
        return key.isValidSignature(signatureBytes, for: data)
    }

    /// Whether `text` is a well-formed Ed25519 public key in base64.
    public static func isPublicKey(_ text: String) -> Bool {
        Data(base64Encoded: text).flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) } != nil
    }

    /// The bytes a change's signature covers: the change without its signature, in canonical JSON.
    public static func signedBytes(of change: Change) throws -> Data {
        try CanonicalJSON.encode(change.unsigned)
    }

    /// The bytes a receipt's signature covers: the result without its receipt, in canonical JSON.
    public static func signedBytes(of result: ChangeResult) throws -> Data {
        var copy = result
        copy.receipt = nil
        return try CanonicalJSON.encode(copy)
    }

    /// The bytes whose digest a push reply's receipt signs (`receiptMessage(ofReply:)`): the reply
    /// without its receipt (every result, without a receipt of its own, and the log's head), in canonical JSON.
    public static func signedBytes(of response: PushResponse) throws -> Data {
        var copy = response
        copy.receipt = nil
        copy.results = copy.results.map { result in
            var plain = result
            plain.receipt = nil
            return plain
        }
        return try CanonicalJSON.encode(copy)
    }

    /// What a push reply's receipt signs: the ASCII label `pledge-push-reply-v2`, a newline, and the
    /// SHA-256 (lowercase hex) of the reply's signed bytes (`signedBytes(of:)`). Signing the digest
    /// rather than the reply itself: Ed25519 hashes its message twice with SHA-512, which over a
    /// 350 KB reply cost more than the signature, while SHA-256 runs in hardware here.
    public static func receiptMessage(ofReply signedBytes: Data) -> Data {
        Data(("pledge-push-reply-v2\n" + Digest.sha256(signedBytes)).utf8)
    }

    /// Whether `receipt` is the registry's signature of a push reply whose signed bytes are
    /// `signedBytes`: over their digest (`receiptMessage(ofReply:)`), or, from a registry of an
    /// earlier version, over the bytes themselves (tried only when the first check fails).
    public static func isValidReceipt(_ receipt: String, ofReply signedBytes: Data, publicKey: String) -> Bool {
        isValid(receipt, of: receiptMessage(ofReply: signedBytes), publicKey: publicKey)
            || isValid(receipt, of: signedBytes, publicKey: publicKey)
    }

    /// A list of strings as `Change.writeJSON` writes its `resolves`.
    private static func canonicalJSON(_ strings: [String]) -> String {
        var writer = JSONWriter()
        writer.strings(strings)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The bytes a push reply's receipt covers, cut from the reply's body as sent: the body less its
    /// top-level `"receipt"` member. For a canonical body (every reply of this registry) these are
    /// `signedBytes(of:)` of the decoded reply, without re-encoding 500 results; nil when the body
    /// has no receipt member. A body that is not canonical gives bytes that do not verify.
    public static func signedBytes(ofPushReplyBody body: Data) -> Data? {
        // In canonical order only `auditHead` (an entry number and a hex hash) comes before
        // `receipt`, so the first `"receipt":"` is the top-level member; a base64 value holds no quote.
        let key = Data(#""receipt":""#.utf8)
        guard let start = body.range(of: key),
              let closing = body[start.upperBound...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        var cut = start.lowerBound..<(closing + 1)
        if cut.lowerBound > body.startIndex, body[cut.lowerBound - 1] == UInt8(ascii: ",") {
            cut = (cut.lowerBound - 1)..<cut.upperBound
        } else if cut.upperBound < body.endIndex, body[cut.upperBound] == UInt8(ascii: ",") {
            cut = cut.lowerBound..<(cut.upperBound + 1)
        }
        var bytes = Data(body[..<cut.lowerBound])
        bytes.append(body[cut.upperBound...])
        return bytes
    }

    /// The bytes a push batch's signature covers: a fixed label, then the content hash of each change
    /// (`contentHash(of:)`), in order, one per line.
    public static func signedBytes(ofBatch contentHashes: [String]) -> Data {
        var bytes = Data("pledge-push-batch-v1\n".utf8)
        bytes.reserveCapacity(bytes.count + contentHashes.count * 65)
        for hash in contentHashes {
            bytes.append(contentsOf: hash.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// A change's content hash: SHA-256 (hex) of its canonical JSON without its signature. The
    /// signature is an envelope: the same change signed alone (a bundle) or in a signed batch (a push)
    /// is the same content, so a replay by either route is recognised.
    public static func contentHash(of change: Change) throws -> String {
        Digest.sha256(try CanonicalJSON.encode(change.unsigned))
    }

    /// `contentHash(of:)` for a change whose fields' canonical JSON is already made
    /// (`CanonicalJSON.string(change.fields)`): the change's bytes are spliced around it.
    public static func contentHash(of change: Change, fieldsJSON: String) throws -> String {
        Digest.sha256(Data(Change.canonicalJSON(changeId: change.changeId, pledgeId: change.pledgeId,
                                                basesJSON: try CanonicalJSON.string(change.bases), fieldsJSON: fieldsJSON,
                                                resolvesJSON: Self.canonicalJSON(change.resolves), device: change.device,
                                                madeAt: change.madeAt)))
    }

    private static func key(_ privateKey: String) throws -> Curve25519.Signing.PrivateKey {
        try SigningKey(privateKey: privateKey).key
    }
}

/// A private key parsed once, for signing many things in a row (parsing derives the public key,
/// which costs as much as a signature).
public struct SigningKey {
    let key: Curve25519.Signing.PrivateKey

    /// Parses a private key (base64 of its 32-byte raw form).
    public init(privateKey: String) throws {
        guard let bytes = Data(base64Encoded: privateKey), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw Signatures.Failure(description: "the device key in the store is damaged")
        }
        self.key = key
    }

    /// Signs `data`; returns the signature as base64.
    public func sign(_ data: Data) throws -> String {
        try key.signature(for: data).base64EncodedString()
    }
}
