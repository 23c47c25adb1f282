import Foundation
import PledgeModel

/// A change's answer as `received_change.result` keeps it, so that a replay gets it again (invariant 3).
///
/// Most answers say only "every field applied as sent, at sequence number N": those are kept as N and
/// the field names, `{"appliedAt":N,"fields":["area",…]}`, since a replay carries the same values
/// (its content hash matches) and the change log holds them too. Any other answer is kept whole, as
/// its canonical JSON (which always begins `{"changeId":`). A creation's whole answer repeated every
/// value of the pledge's row; short answers made a bulk-pushed registry's file 28% smaller
/// (docs/performance.md, step 46). A registry holding short answers needs this version or later.
public enum RecordedAnswer: Equatable {
    /// Every field of the change applied as sent, at registry sequence number `seq`.
    case appliedAsSent(seq: Int, fields: [PledgeField])
    /// Any other answer, whole.
    case whole(ChangeResult)

    /// The shorter form's opening bytes, which no whole answer starts with.
    private static let appliedAsSentPrefix = #"{"appliedAt":"#

    /// The text to record for `result`, the answer to `change`, which wrote at sequence number `seq`
    /// (0: it wrote nothing); `json` is `result`'s canonical JSON.
    static func record(of result: ChangeResult, json: String, to change: Change, seq: Int) -> String {
        guard repeatsItsChange(result, change, appliedAt: seq) else { return json }
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("appliedAt") { writer in writer.integer(seq) }
            writer.member("fields") { writer in writer.array(result.fields.keys) { writer, field in writer.string(field.rawValue) } }
        }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Whether `result` says only that every field of `change` took the value it carried at `seq`.
    /// A field left as it was (its older version answered), a value the registry derived over the
    /// one sent, a conflict or a refusal makes the answer say more, and it is kept whole.
    private static func repeatsItsChange(_ result: ChangeResult, _ change: Change, appliedAt seq: Int) -> Bool {
        guard seq > 0, result.outcome == .applied, result.reasons.isEmpty, result.conflicts.isEmpty, result.receipt == nil,
              result.fields.count == change.fields.count else { return false }
        return !result.fields.contains { field, answer in answer.version != seq || change.fields[field] != answer.value }
    }

    /// Reads a recorded answer in either form.
    public static func read(_ text: String) throws -> RecordedAnswer {
        guard text.hasPrefix(appliedAsSentPrefix) else { return .whole(try CanonicalJSON.decode(ChangeResult.self, from: text)) }
        let applied = try CanonicalJSON.decode(AppliedAsSent.self, from: text)
        return .appliedAsSent(seq: applied.appliedAt, fields: applied.fields)
    }

    /// The answer as it was given to `change` (a replay of the change it answers, or the same change).
    public func answer(to change: Change) -> ChangeResult {
        switch self {
        case .whole(let result):
            return result
        case .appliedAsSent(let seq, _):
            return ChangeResult(changeId: change.changeId, outcome: .applied,
                                fields: change.fields.mapValues { VersionedValue(value: $0, version: seq) })
        }
    }

    /// The shorter form's JSON members.
    private struct AppliedAsSent: Decodable {
        var appliedAt: Int
        var fields: [PledgeField]
    }
}
