/// Hand-written canonical JSON of the types sync moves in bulk. Keys are written in sorted order
/// and nil optionals are left out, exactly as their `Encodable` conformances encode under
/// `CanonicalJSON`; `CanonicalJSONTests` compares the two byte for byte.

extension FieldValue: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .text(let text): writer.string(text)
        case .integer(let number): writer.integer(number)
        case .list(let items): writer.strings(items)
        }
    }
}

extension VersionedValue: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        // Written for every field of every stored and pulled pledge: the fixed parts as bytes.
        writer.raw(Self.valueKey)
        value.writeJSON(to: &writer)
        writer.raw(Self.versionKey)
        writer.integer(version)
        writer.raw(Self.closingBrace)
    }

    private static let valueKey = Array(#"{"value":"#.utf8)
    private static let versionKey = Array(#","version":"#.utf8)
    private static let closingBrace = Array("}".utf8)
}

extension BaseVersion: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        switch self {
        case .version(let number): writer.integer(number)
        case .change(let changeId): writer.string(changeId)
        }
    }
}

extension FieldDictionary: CanonicalJSONWritable where Value: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        // Specialized for the three maps sync writes in bulk (a change's fields and bases, a
        // pledge's versioned fields), as their reader is: the generic path looked up type metadata
        // for every value (3% of the registry's push CPU, for the bases of every change's content hash).
        if Value.self == VersionedValue.self {
            writer.fieldMap(unsafeBitCast(self, to: FieldDictionary<VersionedValue>.self)) { writer, value in value.writeJSON(to: &writer) }
        } else if Value.self == FieldValue.self {
            writer.fieldMap(unsafeBitCast(self, to: FieldDictionary<FieldValue>.self)) { writer, value in value.writeJSON(to: &writer) }
        } else if Value.self == BaseVersion.self {
            writer.fieldMap(unsafeBitCast(self, to: FieldDictionary<BaseVersion>.self)) { writer, value in value.writeJSON(to: &writer) }
        } else {
            writer.fieldMap(self) { writer, value in writer.value(value) }
        }
    }
}

extension Array: CanonicalJSONWritable where Element: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.array(self) { writer, element in writer.value(element) }
    }
}

extension Pledge: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        // The flat form: `id` among the field names, all in sorted order.
        writer.fieldMap(fields, inserting: ("id", id)) { writer, value in value.writeJSON(to: &writer) }
    }
}

extension Change: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        Self.write(to: &writer, changeId: changeId, pledgeId: pledgeId, device: device, madeAt: madeAt, signature: signature,
                   bases: { $0.value(bases) }, fields: { $0.value(fields) }, resolves: { $0.strings(resolves) })
    }

    /// The one layout of a change's JSON, keys in sorted order; the three maps and lists are written
    /// by the caller (encoded, or spliced from canonical text).
    private static func write(to writer: inout JSONWriter, changeId: String, pledgeId: String, device: String, madeAt: String,
                              signature: String?, bases: (inout JSONWriter) -> Void, fields: (inout JSONWriter) -> Void,
                              resolves: (inout JSONWriter) -> Void) {
        writer.object { writer in
            writer.member("bases", bases)
            writer.member("changeId") { writer in writer.string(changeId) }
            writer.member("device") { writer in writer.string(device) }
            writer.member("fields", fields)
            writer.member("madeAt") { writer in writer.string(madeAt) }
            writer.member("pledgeId") { writer in writer.string(pledgeId) }
            writer.member("resolves", resolves)
            writer.member("signature", ifPresent: signature) { writer, signature in writer.string(signature) }
        }
    }

    /// The canonical JSON of an unsigned change whose `bases`, `fields` and `resolves` are given as
    /// their canonical JSON text, spliced in as they are: a node keeps those three in its outbox in
    /// that form, and sealing a batch of 500 changes from them this way skips decoding and
    /// re-encoding every field. The same bytes as `CanonicalJSON.encode(change)` when the three are
    /// canonical (`CanonicalJSONTests` checks it).
    public static func canonicalJSON(changeId: String, pledgeId: String, basesJSON: String, fieldsJSON: String,
                                     resolvesJSON: String, device: String, madeAt: String) -> [UInt8] {
        var writer = JSONWriter()
        write(to: &writer, changeId: changeId, pledgeId: pledgeId, device: device, madeAt: madeAt, signature: nil,
              bases: { $0.raw(basesJSON) }, fields: { $0.raw(fieldsJSON) }, resolves: { $0.raw(resolvesJSON) })
        return writer.bytes
    }
}

extension PushRequest: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("batchSignature", ifPresent: batchSignature) { writer, signature in writer.string(signature) }
            writer.member("changes") { writer in writer.value(changes) }
        }
    }
}

extension Rejection: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("code") { writer in writer.string(code) }
            writer.member("field", ifPresent: field) { writer, field in writer.string(field) }
            writer.member("message") { writer in writer.string(message) }
        }
    }
}

extension ChangeResult: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        write(to: &writer) { $0.value(fields) }
    }

    /// The one layout of a result's JSON, keys in sorted order; `fields` is written by the caller.
    private func write(to writer: inout JSONWriter, fields: (inout JSONWriter) -> Void) {
        writer.object { writer in
            writer.member("changeId") { writer in writer.string(changeId) }
            writer.member("conflicts") { writer in writer.strings(conflicts) }
            writer.member("fields", fields)
            writer.member("outcome") { writer in writer.string(outcome.rawValue) }
            writer.member("reasons") { writer in writer.value(reasons) }
            writer.member("receipt", ifPresent: receipt) { writer, receipt in writer.string(receipt) }
        }
    }

    /// The canonical JSON of this result with its `fields` given as their canonical JSON text: the
    /// registry writes a creation's fields once, for the pledge's row, and splices them in here.
    /// The same bytes as `CanonicalJSON.string(self)` when `fieldsJSON` is `fields`' (`CanonicalJSONTests`).
    public func canonicalJSON(fieldsJSON: String) -> String {
        var writer = JSONWriter()
        write(to: &writer) { $0.raw(fieldsJSON) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension PushResponse: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("auditHead", ifPresent: auditHead) { writer, head in writer.value(head) }
            writer.member("receipt", ifPresent: receipt) { writer, receipt in writer.string(receipt) }
            writer.member("results") { writer in writer.value(results) }
        }
    }
}

extension AuditHead: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("entry") { writer in writer.integer(entry) }
            writer.member("hash") { writer in writer.string(hash) }
        }
    }
}

extension ConflictCandidate: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("actor") { writer in writer.string(actor) }
            writer.member("changeId") { writer in writer.string(changeId) }
            writer.member("number") { writer in writer.integer(number) }
            writer.member("receivedAt") { writer in writer.string(receivedAt) }
            writer.member("value") { writer in writer.value(value) }
        }
    }
}

extension ConflictRecord: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("candidates") { writer in writer.value(candidates) }
            writer.member("field") { writer in writer.string(field.rawValue) }
            writer.member("id") { writer in writer.string(id) }
            writer.member("openedAt") { writer in writer.string(openedAt) }
            writer.member("pledgeId") { writer in writer.string(pledgeId) }
            writer.member("resolution", ifPresent: resolution) { writer, resolution in writer.value(resolution) }
            writer.member("resolvedBy", ifPresent: resolvedBy) { writer, resolvedBy in writer.string(resolvedBy) }
            writer.member("state") { writer in writer.string(state.rawValue) }
        }
    }
}

extension PledgeState: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("conflicts") { writer in writer.value(conflicts) }
            writer.member("fields") { writer in writer.value(fields) }
            writer.member("id") { writer in writer.string(id) }
        }
    }
}

extension PullPage: CanonicalJSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("cursor") { writer in writer.string(cursor) }
            writer.member("hasMore") { writer in writer.boolean(hasMore) }
            writer.member("left", ifPresent: left) { writer, left in writer.strings(left) }
            writer.member("pledges") { writer in writer.value(pledges) }
        }
    }
}
