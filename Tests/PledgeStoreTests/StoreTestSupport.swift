import Foundation
import PledgeModel
import PledgeStore

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Runs `body` with a store in a fresh temporary directory, initialised for `delegation`
/// (nil: the Secretariat), and removes the directory afterwards.
func withStore(delegation: String? = "KOR", _ body: (NodeStore, TemporaryDirectory) throws -> Void) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try NodeStore(path: directory.path("node.sqlite"))
    try store.initialize(NodeIdentity(delegation: delegation, device: "\(delegation ?? "SECRETARIAT")-test"))
    try body(store, directory)
}

/// The fields of a valid UNIT pledge made at Berlin 2025, as a delegation enters them.
func unitFields(_ overrides: FieldMap = [:]) -> FieldMap {
    var fields: FieldMap = [
        .ministerial: .text("BERLIN_2025"), .area: .text("MEDICAL"), .modality: .text("UNIT"),
        .title: .text("Level 2 hospital"), .unitType: .text("LEVEL_2_HOSPITAL"), .unitCount: .integer(1),
        .personnel: .integer(63), .women: .integer(12),
    ]
    for (field, value) in overrides { fields[field] = value }
    return fields
}

/// A full pledge of another device or delegation, as the registry would hold it.
func registryPledge(id: String = UUID().uuidString.lowercased(), delegation: String = "KOR", _ overrides: FieldMap = [:]) -> Pledge {
    var fields = unitFields(overrides)
    fields[.delegation] = fields[.delegation] ?? .text(delegation)
    fields[.status] = fields[.status] ?? .text("ANNOUNCED")
    fields[.ref] = fields[.ref] ?? .text("\(delegation)-BER25-900")
    return Pledge(id: id, fields: fields)
}

/// Every field of `pledge` with a registry version, numbered from `firstVersion` in field order.
func versioned(_ pledge: Pledge, from firstVersion: Int) -> FieldDictionary<VersionedValue> {
    var result: FieldDictionary<VersionedValue> = [:]
    for (offset, field) in pledge.fields.keys.sorted().enumerated() {
        result[field] = VersionedValue(value: pledge[field], version: firstVersion + offset)
    }
    return result
}

/// Case tests for `StoreError`, so a test can `#require` the case it expects.
extension StoreError {
    /// The broken rules, if this is `.invalid`.
    var invalidIssues: [ValidationIssue]? {
        if case .invalid(let failure) = self { return failure.issues }
        return nil
    }

    /// The failed rows, if this is `.importFailed`.
    var importRows: [ImportRowError]? {
        if case .importFailed(let rows) = self { return rows }
        return nil
    }

    /// The case's name, for comparing cases without payloads.
    var caseName: String {
        switch self {
        case .notInitialized: return "notInitialized"
        case .alreadyInitialized: return "alreadyInitialized"
        case .pledgeNotFound: return "pledgeNotFound"
        case .ambiguousPledge: return "ambiguousPledge"
        case .conflictNotFound: return "conflictNotFound"
        case .invalid: return "invalid"
        case .forbidden: return "forbidden"
        case .importFailed: return "importFailed"
        }
    }
}
