/// Who may write which field and which status (DESIGN sections 3 and 4, invariant 5).
///
/// Pure rules, applied by the registry to every change and by nodes before an edit is queued.
public enum WriteRules {
    /// Every reason `principal` may not set `fields` on a pledge currently `existing` (nil: creation).
    public static func violations(by principal: Principal, existing: Pledge?, setting fields: FieldMap) -> [Rejection] {
        var reasons: [Rejection] = []
        if let existing, case .delegation(let code) = principal, existing.delegation != code {
            return [Rejection(code: "not-your-pledge",
                              message: "pledge \(existing.id) belongs to \(existing.delegation); \(code) may not change it")]
        }
        if existing == nil, case .delegation(let code) = principal, let owner = fields[.delegation], owner != .text(code) {
            return [Rejection(code: "not-your-pledge", field: PledgeField.delegation.rawValue,
                              message: "delegation (\(owner.displayText)) differs from the token's delegation \(code)")]
        }
        for field in fields.keys {  // in field order, as a field map keeps them
            switch field.owner {
            case .fixedAtCreation:
                if let existing, fields[field] != existing[field] {
                    reasons.append(Rejection(code: "fixed-field", field: field.rawValue,
                                             message: "\(field.rawValue) is fixed when a pledge is created"))
                }
            case .secretariat:
                if principal != .secretariat {
                    reasons.append(Rejection(code: "forbidden-field", field: field.rawValue,
                                             message: "\(field.rawValue) is set by the Secretariat only"))
                }
            case .delegation:
                break
            case .shared:
                if let reason = statusViolation(by: principal, from: existing?.status, to: fields[field] ?? .null) {
                    reasons.append(reason)
                }
            }
        }
        return reasons
    }

    /// Why `principal` may not move a pledge's status from `current` to `target`, or nil if it may.
    ///
    /// Both principals follow the lifecycle (`PledgeStatus.allowedNext`); a delegation may in addition
    /// only announce, notify or withdraw, and from `REGISTERED` on only withdraw.
    public static func statusViolation(by principal: Principal, from current: PledgeStatus?, to target: FieldValue) -> Rejection? {
        guard case .text(let raw) = target, let next = PledgeStatus(rawValue: raw) else { return nil }  // validation reports it
        let field = PledgeField.status.rawValue
        if next == current { return nil }
        if principal != .secretariat, !PledgeStatus.delegationSettable.contains(next) {
            return Rejection(code: "forbidden-status", field: field, message: "status \(next.rawValue) is set by the Secretariat only")
        }
        guard let current else { return nil }
        if !current.allowedNext.contains(next) {
            let allowed = current.allowedNext.map(\.rawValue).sorted().joined(separator: ", ")
            return Rejection(code: "forbidden-transition", field: field,
                             message: "status cannot change from \(current.rawValue) to \(next.rawValue)" + (allowed.isEmpty ? " (\(current.rawValue) is final)" : " (allowed: \(allowed))"))
        }
        if principal != .secretariat, current.isSecretariatControlled, next != .withdrawn {
            return Rejection(code: "forbidden-transition", field: field,
                             message: "status is \(current.rawValue); from REGISTERED on only the Secretariat sets it (a delegation may still withdraw)")
        }
        return nil
    }
}
