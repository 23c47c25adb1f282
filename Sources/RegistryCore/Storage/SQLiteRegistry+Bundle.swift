import Foundation
import GRDB
import PledgeModel
import PledgeSecurity

extension SQLiteRegistry {
    /// Applies an outbound bundle through the same path as an HTTP push, then answers with a signed
    /// return bundle: a receipt per change and the updates in the device's scope since its cursor.
    ///
    /// The device is identified by its registered public key; each change's signature is checked
    /// against it, so an altered change, another device's change or another delegation's pledge is
    /// rejected with its reason while the bundle's other changes apply.
    public func importBundle(_ bundle: OutboundBundle) async throws -> ReturnBundle {
        let manifest = bundle.manifest
        guard let caller = try await deviceCaller(publicKey: manifest.devicePublicKey, delegation: manifest.delegation) else {
            throw RegistryError.unknownDevice(manifest.device)
        }
        var results: [ChangeResult] = []
        var start = 0
        while start < bundle.changes.count {
            let batch = Array(bundle.changes[start..<min(start + Self.maximumBatchSize, bundle.changes.count)])
            // A bundle travels and is kept on its own, so each of its results carries its own receipt.
            let applied = try await apply(batch, batchSignature: nil, by: caller)
            let receipts = try applied.registryKey.sign(all: try applied.results.map { try Signatures.signedBytes(of: $0) })
            results += zip(applied.results, receipts).map { result, receipt in
                var signed = result
                signed.receipt = receipt
                return signed
            }
            start += batch.count
        }
        var pages: [PullPage] = []
        var cursor = manifest.cursor ?? ""
        repeat {
            let page = try await pull(after: cursor, limit: Self.maximumPageSize, for: caller).decoded()
            pages.append(page)
            cursor = page.cursor
        } while pages.last?.hasMore == true
        let unsigned = ReturnBundle(device: manifest.device, registryPublicKey: try await registryPublicKey(),
                                    results: results, pages: pages, createdAt: Date().ISO8601Format())
        let key = try await pool.write { db in try Self.registryPrivateKey(db) }
        return try BundleCodec.sign(unsigned, privateKey: key)
    }

    /// The caller a registered device key stands for (its unrevoked token of that delegation).
    private func deviceCaller(publicKey: String, delegation: String?) async throws -> Caller? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, delegation, device, public_key FROM token
                WHERE public_key = ? AND revoked_at IS NULL AND delegation IS ? ORDER BY created_at DESC LIMIT 1
                """, arguments: [publicKey, delegation]) else { return nil }
            let code: String? = row["delegation"]
            return Caller(principal: code.map(Principal.delegation) ?? .secretariat, device: row["device"], tokenId: row["id"],
                          publicKey: row["public_key"])
        }
    }
}
