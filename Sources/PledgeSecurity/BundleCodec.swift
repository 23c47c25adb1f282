import Foundation
import PledgeModel

/// Reads and writes bundle files: JSON, checked, signed, and upgraded from older layouts.
public enum BundleCodec {
    /// Why a bundle file cannot be used.
    public struct Failure: Error, CustomStringConvertible {
        /// What is wrong with the file.
        public let description: String
        /// Creates a failure.
        public init(description: String) { self.description = description }
    }

    /// The checksum a manifest carries: SHA-256 of the changes' canonical JSON.
    public static func checksum(of changes: [Change]) throws -> String {
        Digest.sha256(try CanonicalJSON.encode(changes))
    }

    /// Parses an outbound bundle, upgrading older layouts: version 1 had no `cursor` in its manifest
    /// (its return bundle then carries the whole scope, which the node applies idempotently).
    public static func outbound(from data: Data) throws -> OutboundBundle {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["format"] as? String == "pledge-bundle" else {
            throw Failure(description: "the file is not a pledge bundle")
        }
        let version = object["schemaVersion"] as? Int ?? 0
        guard (1...OutboundBundle.currentSchemaVersion).contains(version) else {
            throw Failure(description: "bundle schema version \(version) is not one this build reads (1…\(OutboundBundle.currentSchemaVersion)); update pledge")
        }
        do {
            var bundle = try CanonicalJSON.decode(OutboundBundle.self, from: data)
            if version < 2 { bundle.manifest.cursor = nil }
            bundle.schemaVersion = OutboundBundle.currentSchemaVersion
            return bundle
        } catch let error as DecodingError {
            throw Failure(description: "the bundle is damaged: \(error)")
        }
    }

    /// Signs a return bundle with the registry's private key.
    public static func sign(_ bundle: ReturnBundle, privateKey: String) throws -> ReturnBundle {
        var signed = bundle
        signed.signature = nil
        signed.signature = try Signatures.sign(try CanonicalJSON.encode(signed), privateKey: privateKey)
        return signed
    }

    /// Parses a return bundle and checks its signature and every receipt against `registryKey`.
    public static func returned(from data: Data, registryKey: String) throws -> ReturnBundle {
        guard let bundle = try? CanonicalJSON.decode(ReturnBundle.self, from: data), bundle.format == "pledge-return-bundle" else {
            throw Failure(description: "the file is not a pledge return bundle")
        }
        var unsigned = bundle
        unsigned.signature = nil
        guard let signature = bundle.signature, Signatures.isValid(signature, of: try CanonicalJSON.encode(unsigned), publicKey: registryKey) else {
            throw Failure(description: "the return bundle's signature does not verify with the registry's key: it was altered or not made by this registry")
        }
        for result in bundle.results {
            guard let receipt = result.receipt, Signatures.isValid(receipt, of: try Signatures.signedBytes(of: result), publicKey: registryKey) else {
                throw Failure(description: "the receipt for change \(result.changeId) does not verify")
            }
        }
        return bundle
    }
}
