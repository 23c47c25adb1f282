import Foundation
import GRDB
import PledgeSchema
import PledgeModel

/// Fields the registry sets itself as a consequence of a change (DESIGN section 3, review).
struct ReviewRules {
    let db: Database

    /// What the registry adds to a change that applied the values in `applied`, given the resulting pledge:
    /// a `registryRef` on first acknowledgement, and `SUBMITTED` again when a delegation answers a query.
    func derivedFields(by principal: Principal, applied: FieldMap, resulting: Pledge, receivedAt: String) throws -> FieldMap {
        var derived = FieldMap()
        if case .delegation = principal, resulting.review == .queried,
           applied.contains(where: { $0.key.owner == .delegation || $0.key.owner == .shared }) {
            derived[.review] = .text(ReviewState.submitted.rawValue)
        }
        if applied[.review] != nil, [.acknowledged, .accepted].contains(resulting.review), resulting.text(.registryRef) == nil {
            derived[.registryRef] = .text(try mintRegistryReference(for: resulting, receivedAt: receivedAt))
        }
        return derived
    }

    /// `PKM-2025-KOR-003`: the ministerial's year, the delegation, and the next number for that
    /// prefix. The counter only grows, so a reference is never reused.
    private func mintRegistryReference(for pledge: Pledge, receivedAt: String) throws -> String {
        let ministerialYear = ReferenceData.ministerialsByCode[pledge.ministerial]?.year ?? 0
        let year = ministerialYear > 0 ? ministerialYear : Int(receivedAt.prefix(4)) ?? 0
        let prefix = "PKM-\(year)-\(pledge.delegation)-"
        try db.executeCached(sql: """
            INSERT INTO registry_ref_counter(prefix, next) VALUES (?, 2)
            ON CONFLICT(prefix) DO UPDATE SET next = next + 1
            """, arguments: [prefix])
        let number = (try Int.fetchOne(db.cachedStatement(sql: "SELECT next FROM registry_ref_counter WHERE prefix = ?"), arguments: [prefix]) ?? 2) - 1
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
