import Foundation
import Hummingbird
import PledgeModel

/// Reads and checks request bodies: size limit, well-formed JSON, no unknown keys, right types.
enum RequestDecoding {
    /// Keys a push body may hold, at each level.
    static let pushKeys: Set<String> = ["changes", "batchSignature"]
    static let changeKeys: Set<String> = ["changeId", "pledgeId", "fields", "bases", "resolves", "device", "madeAt", "signature"]

    /// Collects the body up to `limit` bytes; larger bodies get 413 without being read whole.
    static func collectBody(_ request: Request, limit: Int) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "body-too-large", "the body (\(length) bytes) exceeds the limit of \(limit) bytes")
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch let error where String(describing: type(of: error)).contains("TooManyBytes") {
            throw APIError(.contentTooLarge, "body-too-large", "the body exceeds the limit of \(limit) bytes")
        } catch {
            throw APIError.badRequest("unreadable-body", "the request body could not be read completely")
        }
    }

    /// Decodes a push body strictly: unknown keys and wrong types are 400s naming the place.
    static func pushRequest(from data: Data) throws -> PushRequest {
        // Every node's push is well formed: read it in one pass. Only a body that pass refuses is
        // read again below, to name what is wrong with the same codes as ever.
        if let request = try? wellFormedPushRequest(from: data) { return request }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw APIError.badRequest("malformed-json", "the body is not well-formed JSON")
        }
        guard let top = object as? [String: Any] else { throw APIError.badRequest("invalid-request", "the body must be a JSON object with a `changes` array") }
        try rejectUnknownKeys(top, allowed: pushKeys, at: "body")
        guard let changes = top["changes"] as? [Any] else { throw APIError.badRequest("invalid-request", "`changes` is required and must be an array") }
        guard top["batchSignature"].map({ $0 is String || $0 is NSNull }) ?? true else {
            throw APIError.badRequest("invalid-request", "`batchSignature` must be a string (base64)")
        }
        for (index, change) in changes.enumerated() {
            guard let change = change as? [String: Any] else { throw APIError.badRequest("invalid-request", "changes[\(index)] must be an object") }
            try rejectUnknownKeys(change, allowed: changeKeys, at: "changes[\(index)]")
        }
        // The shape is known good; now the types, change by change, so an error names the change.
        var index = 0
        do {
            return try JSONReader.read(data) { reader in
                var changes: [Change] = []
                try reader.readObject { reader, key in
                    guard key == "changes" else { return try reader.skipValue() }
                    try reader.readArray { reader in
                        changes.append(try Change(json: &reader))
                        index += 1
                    }
                }
                return PushRequest(changes: changes, batchSignature: top["batchSignature"] as? String)
            }
        } catch let failure as JSONReader.Failure {
            throw APIError.badRequest("invalid-request", "changes[\(index)]: \(failure)")
        }
    }

    /// The push in one strict pass, or nil if it has a member no push has; throws on anything else amiss.
    private static func wellFormedPushRequest(from data: Data) throws -> PushRequest? {
        try JSONReader.read(data) { reader in
            var changes: [Change]?
            var batchSignature: String?
            var onlyKnownKeys = true
            try reader.readObject { reader, key in
                switch key {
                case "changes":
                    var list: [Change] = []
                    try reader.readArray { reader in list.append(try Change(json: &reader)) }
                    changes = list
                case "batchSignature": batchSignature = reader.readNullIfPresent() ? nil : try reader.readString()
                default:
                    onlyKnownKeys = false
                    try reader.skipValue()
                }
            }
            guard onlyKnownKeys, reader.unknownMembersSkipped == 0 else { return nil }
            return changes.map { PushRequest(changes: $0, batchSignature: batchSignature) }
        }
    }

    private static func rejectUnknownKeys(_ object: [String: Any], allowed: Set<String>, at place: String) throws {
        let unknown = Set(object.keys).subtracting(allowed)
        if let first = unknown.sorted().first {
            throw APIError.badRequest("unknown-field", "\(place) has an unknown field '\(first.prefix(80))'")
        }
    }
}
