/// Hand-written readers of the types sync decodes in bulk. Each accepts what its `Decodable`
/// conformance accepts: unknown keys of a struct are skipped, required keys must be present,
/// nil optionals may be absent or null, and an unknown pledge field name is an error.

extension JSONReader {
    /// Fails unless `value` was read; names the missing key.
    func required<T>(_ value: T?, _ key: String) throws -> T {
        guard let value else { throw failure("the key \"\(key)\" is required") }
        return value
    }

    /// Reads an optional value: absent keys never reach here, and null is nil.
    mutating func optional<T>(_ read: (inout JSONReader) throws -> T) throws -> T? {
        readNullIfPresent() ? nil : try read(&self)
    }

    /// Reads a map keyed by pledge field name.
    mutating func readFieldMap<V>(_ value: (inout JSONReader) throws -> V) throws -> FieldDictionary<V> {
        var map = FieldDictionary<V>()
        try readObject { reader, key in
            guard let field = PledgeField.named(key) else { throw reader.failure("unknown pledge field \"\(key.prefix(40))\"") }
            map[field] = try value(&reader)
        }
        return map
    }

    /// Reads a value of a type that reads itself.
    mutating func read<T: CanonicalJSONReadable>(_ type: T.Type = T.self) throws -> T {
        try T(json: &self)
    }

    /// Reads an array of values of a type that reads itself.
    mutating func readArray<T: CanonicalJSONReadable>(of type: T.Type = T.self) throws -> [T] {
        var items: [T] = []
        try readArray { items.append(try T(json: &$0)) }
        return items
    }
}

extension FieldValue: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        // By the next token, not by trial and error.
        switch reader.peek() {
        case UInt8(ascii: "n"):
            guard reader.readNullIfPresent() else { throw reader.failure("expected null") }
            self = .null
        case UInt8(ascii: "\""): self = .text(try reader.readString())
        case UInt8(ascii: "["): self = .list(try reader.readStrings())
        default:
            do { self = .integer(try reader.readInt()) } catch {
                throw reader.failure("a field value must be null, a string, an integer or a list of strings")
            }
        }
    }
}

extension VersionedValue: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var value: FieldValue?
        var version: Int?
        var sawValue = false
        try reader.readObject { reader, key in
            switch key {
            case "value": value = try reader.read(); sawValue = true
            case "version": version = try reader.readInt()
            default: try reader.skipUnknownMember()
            }
        }
        // `value` may be null, but the key must be there.
        guard sawValue else { throw reader.failure("the key \"value\" is required") }
        self.init(value: value ?? .null, version: try reader.required(version, "version"))
    }
}

extension FieldDictionary: CanonicalJSONReadable where Value: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        // The two maps sync reads in bulk (stored and pulled fields, change fields) run code
        // specialized for their value type: called from another module through this conformance,
        // the generic path looked up type metadata for every element (docs/performance.md).
        if Value.self == VersionedValue.self {
            self = unsafeBitCast(try reader.readFieldMap { try VersionedValue(json: &$0) }, to: Self.self)
        } else if Value.self == FieldValue.self {
            self = unsafeBitCast(try reader.readFieldMap { try FieldValue(json: &$0) }, to: Self.self)
        } else {
            self = try reader.readFieldMap { try $0.read() }
        }
    }
}

extension Array: CanonicalJSONReadable where Element: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        self = try reader.readArray(of: Element.self)
    }
}

extension Pledge: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        // The flat form; unlike the structs below, an unknown key is an error (as in `init(from:)`).
        var id: String?
        var fields = FieldMap()
        try reader.readObject { reader, key in
            if key == "id" { id = try reader.readString(); return }
            guard let field = PledgeField.named(key) else { throw reader.failure("unknown field '\(key.prefix(40))'") }
            fields[field] = try reader.read()
        }
        self.init(id: try reader.required(id, "id"), fields: fields)
    }
}

extension Rejection: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var code: String?, field: String?, message: String?
        try reader.readObject { reader, key in
            switch key {
            case "code": code = try reader.readString()
            case "field": field = try reader.optional { try $0.readString() }
            case "message": message = try reader.readString()
            default: try reader.skipUnknownMember()
            }
        }
        self.init(code: try reader.required(code, "code"), field: field, message: try reader.required(message, "message"))
    }
}

extension ChangeResult: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var changeId: String?, outcome: ChangeOutcome?, reasons: [Rejection]?
        var fields: FieldDictionary<VersionedValue>?, conflicts: [String]?, receipt: String?, fieldsJSON: String?
        try reader.readObject { reader, key in
            switch key {
            case "changeId": changeId = try reader.readString()
            case "outcome":
                let text = try reader.readString()
                guard let value = ChangeOutcome(rawValue: text) else { throw reader.failure("unknown outcome \"\(text.prefix(40))\"") }
                outcome = value
            case "reasons": reasons = try reader.read()
            case "fields":
                let skipped = reader.unknownMembersSkipped
                (fields, fieldsJSON) = try reader.readKeepingText { try $0.read() }
                // Text holding members this version does not know is not what it would write: not kept.
                if reader.unknownMembersSkipped != skipped { fieldsJSON = nil }
            case "conflicts": conflicts = try reader.readStrings()
            case "receipt": receipt = try reader.optional { try $0.readString() }
            default: try reader.skipUnknownMember()
            }
        }
        self.init(changeId: try reader.required(changeId, "changeId"), outcome: try reader.required(outcome, "outcome"),
                  reasons: try reader.required(reasons, "reasons"), fields: try reader.required(fields, "fields"),
                  conflicts: try reader.required(conflicts, "conflicts"))
        self.receipt = receipt
        fieldsJSONAsReceived = fieldsJSON
    }
}

extension PushResponse: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var results: [ChangeResult]?, auditHead: AuditHead?, receipt: String?
        try reader.readObject { reader, key in
            switch key {
            case "results": results = try reader.read()
            case "auditHead": auditHead = try reader.optional { try AuditHead(json: &$0) }
            case "receipt": receipt = try reader.optional { try $0.readString() }
            default: try reader.skipValue()
            }
        }
        self.init(results: try reader.required(results, "results"), auditHead: auditHead, receipt: receipt)
    }
}

extension AuditHead: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var entry: Int?, hash: String?
        try reader.readObject { reader, key in
            switch key {
            case "entry": entry = try reader.readInt()
            case "hash": hash = try reader.readString()
            default: try reader.skipUnknownMember()
            }
        }
        self.init(entry: try reader.required(entry, "entry"), hash: try reader.required(hash, "hash"))
    }
}

extension ConflictCandidate: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var number: Int?, value: FieldValue?, changeId: String?, actor: String?, receivedAt: String?
        var sawValue = false
        try reader.readObject { reader, key in
            switch key {
            case "number": number = try reader.readInt()
            case "value": value = try reader.read(); sawValue = true
            case "changeId": changeId = try reader.readString()
            case "actor": actor = try reader.readString()
            case "receivedAt": receivedAt = try reader.readString()
            default: try reader.skipUnknownMember()
            }
        }
        guard sawValue else { throw reader.failure("the key \"value\" is required") }
        self.init(number: try reader.required(number, "number"), value: value ?? .null, changeId: try reader.required(changeId, "changeId"),
                  actor: try reader.required(actor, "actor"), receivedAt: try reader.required(receivedAt, "receivedAt"))
    }
}

extension ConflictRecord: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var id: String?, pledgeId: String?, field: PledgeField?, state: State?, candidates: [ConflictCandidate]?
        var openedAt: String?, resolution: FieldValue?, resolvedBy: String?
        try reader.readObject { reader, key in
            switch key {
            case "id": id = try reader.readString()
            case "pledgeId": pledgeId = try reader.readString()
            case "field":
                let text = try reader.readString()
                guard let value = PledgeField.named(text) else { throw reader.failure("unknown pledge field \"\(text.prefix(40))\"") }
                field = value
            case "state":
                let text = try reader.readString()
                guard let value = State(rawValue: text) else { throw reader.failure("unknown conflict state \"\(text.prefix(40))\"") }
                state = value
            case "candidates": candidates = try reader.read()
            case "openedAt": openedAt = try reader.readString()
            // `FieldValue?` decodes a null as nil, as `decodeIfPresent` does.
            case "resolution": resolution = try reader.optional { try $0.read() }
            case "resolvedBy": resolvedBy = try reader.optional { try $0.readString() }
            default: try reader.skipUnknownMember()
            }
        }
        self.init(id: try reader.required(id, "id"), pledgeId: try reader.required(pledgeId, "pledgeId"),
                  field: try reader.required(field, "field"), state: try reader.required(state, "state"),
                  candidates: try reader.required(candidates, "candidates"), openedAt: try reader.required(openedAt, "openedAt"),
                  resolution: resolution, resolvedBy: resolvedBy)
    }
}

extension PledgeState: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var id: String?, fields: FieldDictionary<VersionedValue>?, conflicts: [ConflictRecord]?
        try reader.readObject { reader, key in
            switch key {
            case "id": id = try reader.readString()
            case "fields": fields = try reader.read()
            case "conflicts": conflicts = try reader.read()
            default: try reader.skipUnknownMember()
            }
        }
        self.init(id: try reader.required(id, "id"), fields: try reader.required(fields, "fields"),
                  conflicts: try reader.required(conflicts, "conflicts"))
    }
}

extension PullPage: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var pledges: [PledgeState]?, cursor: String?, hasMore: Bool?, left: [String]?
        try reader.readObject { reader, key in
            switch key {
            case "pledges": pledges = try reader.read()
            case "cursor": cursor = try reader.readString()
            case "hasMore": hasMore = try reader.readBool()
            case "left": left = try reader.optional { try $0.readStrings() }
            default: try reader.skipUnknownMember()
            }
        }
        self.init(pledges: try reader.required(pledges, "pledges"), cursor: try reader.required(cursor, "cursor"),
                  hasMore: try reader.required(hasMore, "hasMore"), left: left)
    }
}

extension BaseVersion: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        switch reader.peek() {
        case UInt8(ascii: "\""): self = .change(try reader.readString())
        default:
            do { self = .version(try reader.readInt()) } catch {
                throw reader.failure("a base must be a version number or a change id")
            }
        }
    }
}

extension Change: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var changeId: String?, pledgeId: String?, fields: FieldMap?, bases: FieldDictionary<BaseVersion>?
        var resolves: [String]?, device: String?, madeAt: String?, signature: String?
        try reader.readObject { reader, key in
            switch key {
            case "changeId": changeId = try reader.readString()
            case "pledgeId": pledgeId = try reader.readString()
            case "fields": fields = try reader.read()
            case "bases": bases = try reader.read()
            case "resolves": resolves = try reader.readStrings()
            case "device": device = try reader.readString()
            case "madeAt": madeAt = try reader.readString()
            case "signature": signature = try reader.optional { try $0.readString() }
            default: try reader.skipUnknownMember()
            }
        }
        self.init(changeId: try reader.required(changeId, "changeId"), pledgeId: try reader.required(pledgeId, "pledgeId"),
                  fields: try reader.required(fields, "fields"), bases: try reader.required(bases, "bases"),
                  resolves: try reader.required(resolves, "resolves"), device: try reader.required(device, "device"),
                  madeAt: try reader.required(madeAt, "madeAt"))
        self.signature = signature
    }
}

extension PushRequest: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        var changes: [Change]?, batchSignature: String?
        try reader.readObject { reader, key in
            switch key {
            case "changes": changes = try reader.read()
            case "batchSignature": batchSignature = try reader.optional { try $0.readString() }
            default: try reader.skipValue()
            }
        }
        self.init(changes: try reader.required(changes, "changes"), batchSignature: batchSignature)
    }
}

extension String: CanonicalJSONReadable {
    public init(json reader: inout JSONReader) throws {
        self = try reader.readString()
    }
}
