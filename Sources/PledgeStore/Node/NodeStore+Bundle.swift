import Foundation
import PledgeModel
import PledgeSecurity

extension NodeStore {
    /// The node's unsent changes as one bundle: sealed (so the same content would go over HTTP) and
    /// each signed on its own, so the registry can take or refuse each one.
    public func exportBundle() throws -> OutboundBundle {
        let sealed = try sealedChanges(limit: Int.max)
        let key = try database.write { db in try SigningKey(privateKey: try Self.devicePrivateKey(db)) }
        let changes = try sealed.map { item in
            var change = try CanonicalJSON.decode(Change.self, from: item.body)
            if change.signature == nil { change.signature = try key.sign(try Signatures.signedBytes(of: change)) }
            return change
        }
        let identity = try identity()
        let manifest = OutboundBundle.Manifest(
            delegation: identity.delegation, device: identity.device, devicePublicKey: try devicePublicKey(),
            count: changes.count, checksum: try BundleCodec.checksum(of: changes), cursor: try pullCursor(), createdAt: Timestamp.now())
        return OutboundBundle(manifest: manifest, changes: changes)
    }

    /// Applies a return bundle like a push reply and a pull: verifies it, then commits the results
    /// (acknowledged changes leave the outbox) and each page with its cursor.
    ///
    /// The registry's key is the one this node already trusts; a node that has never met the
    /// registry takes the key in the bundle (trust on first use), as `pledge sync` would.
    public func importReturnBundle(_ data: Data) throws -> (results: [ChangeResult], pulled: Int) {
        let trusted = try registryPublicKey()
        let key = try trusted ?? (CanonicalJSON.decode(ReturnBundle.self, from: data)).registryPublicKey
        let bundle = try BundleCodec.returned(from: data, registryKey: key)
        guard bundle.device == (try identity().device) else {
            throw BundleCodec.Failure(description: "this return bundle answers device \(bundle.device), not this one")
        }
        if trusted == nil { try setRegistryPublicKey(key) }
        try applyPushResults(bundle.results)
        for page in bundle.pages { try applyPullPage(page) }
        try recordSyncFinished()
        return (bundle.results, bundle.pages.reduce(0) { $0 + $1.pledges.count })
    }
}
