/// A push reply as the registry sends it: each result is the canonical JSON the registry recorded
/// for it, spliced in rather than encoded again.
///
/// The registry wrote each result three times (the recorded answer, the bytes whose digest its
/// receipt signs, the reply), about a tenth of its push CPU (docs/performance.md). Without
/// `receipt`, the bytes are those of the equivalent `PushResponse` without receipts
/// (`Signatures.signedBytes(of:)`), whose digest a node checks the receipt against; with it, those
/// of the reply (`CanonicalJSONTests`).
public struct EncodedPushResponse: CanonicalJSONWritable, Sendable {
    /// Each result's canonical JSON, without a receipt of its own, in request order.
    public var resultsJSON: [String]
    /// The change log's head after the batch.
    public var auditHead: AuditHead?
    /// The registry's signature over this reply without it.
    public var receipt: String?

    /// Creates a reply.
    public init(resultsJSON: [String], auditHead: AuditHead?, receipt: String? = nil) {
        self.resultsJSON = resultsJSON
        self.auditHead = auditHead
        self.receipt = receipt
    }

    public func writeJSON(to writer: inout JSONWriter) {
        // Keys in sorted order, as `PushResponse` writes them.
        writer.object { writer in
            writer.member("auditHead", ifPresent: auditHead) { writer, head in writer.value(head) }
            writer.member("receipt", ifPresent: receipt) { writer, receipt in writer.string(receipt) }
            writer.member("results") { writer in writer.array(resultsJSON) { writer, json in writer.raw(json) } }
        }
    }
}
