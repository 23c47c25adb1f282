import Foundation
import Testing
@testable import PledgeModel

/// The hand-written JSON writers must give exactly `JSONEncoder`'s bytes: signatures, content
/// hashes and idempotent replays compare bytes, and older stores hold `JSONEncoder`'s output.
@Suite struct CanonicalJSONTests {
    /// Deterministic pseudo-random values, so a failure names a reproducible case.
    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }

        /// Strings with every escape class: controls, quotes, backslashes, slashes, non-ASCII, emoji.
        mutating func text() -> String {
            let pieces = ["a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{1}", "\u{1f}", "\u{7f}",
                          "é", "\u{2028}", "😀", "Level 2 hospital", "PKM-2025-KOR-001", "{", "[", "}", ":", ","]
            return (0..<next(8)).map { _ in pieces[next(pieces.count)] }.joined()
        }

        mutating func value() -> FieldValue {
            switch next(4) {
            case 0: return .null
            case 1: return .text(text())
            case 2: return .integer(next(2) == 0 ? next(1_000_000) : -next(1_000))
            default: return .list((0..<next(4)).map { _ in text() })
            }
        }

        mutating func fields<V>(_ make: (inout Generator) -> V) -> [PledgeField: V] {
            var map: [PledgeField: V] = [:]
            for field in PledgeField.allCases where next(3) == 0 { map[field] = make(&self) }
            return map
        }

        mutating func optional<T>(_ make: (inout Generator) -> T) -> T? {
            next(2) == 0 ? nil : make(&self)
        }

        mutating func conflict() -> ConflictRecord {
            ConflictRecord(id: text(), pledgeId: text(), field: PledgeField.allCases[next(PledgeField.allCases.count)],
                           state: next(2) == 0 ? .open : .resolved,
                           candidates: (0..<next(3)).map { number in
                               ConflictCandidate(number: number + 1, value: value(), changeId: text(), actor: text(), receivedAt: text())
                           },
                           openedAt: text(), resolution: optional { $0.value() }, resolvedBy: optional { $0.text() })
        }

        mutating func change() -> Change {
            var change = Change(changeId: text(), pledgeId: text(), fields: fields { $0.value() },
                                bases: fields { $0.next(2) == 0 ? .version($0.next(99)) : .change($0.text()) },
                                resolves: (0..<next(3)).map { _ in text() }, device: text(), madeAt: text())
            change.signature = optional { $0.text() }
            return change
        }

        mutating func result() -> ChangeResult {
            var result = ChangeResult(changeId: text(), outcome: [.applied, .mergedWithConflicts, .rejected][next(3)],
                                      reasons: (0..<next(3)).map { _ in Rejection(code: text(), field: optional { $0.text() }, message: text()) },
                                      fields: fields { VersionedValue(value: $0.value(), version: $0.next(1_000)) },
                                      conflicts: (0..<next(3)).map { _ in text() })
            result.receipt = optional { $0.text() }
            return result
        }
    }

    private func expectSameBytes<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let written = try CanonicalJSON.encode(value)
        let reference = try CanonicalJSON.encodeWithFoundation(value)
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: reference, as: UTF8.self), sourceLocation: sourceLocation)
    }

    @Test func everyControlCharacterIsEscapedAsJSONEncoderDoes() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        try expectSameBytes(FieldValue.text(controls + "\"\\/\u{7f}é"))
        try expectSameBytes(FieldValue.list([controls, "", "a/b"]))
    }

    @Test func wireTypesGiveJSONEncodersBytes() throws {
        var generator = Generator(state: 20_251_123)
        for _ in 0..<300 {
            try expectSameBytes(generator.change())
            try expectSameBytes(generator.result())
            try expectSameBytes(generator.conflict())
            try expectSameBytes(Pledge(id: generator.text(), fields: generator.fields { $0.value() }))
            try expectSameBytes(generator.fields { VersionedValue(value: $0.value(), version: $0.next(50)) })
        }
        try expectSameBytes(PushRequest(changes: (0..<5).map { _ in generator.change() }))
        try expectSameBytes(PushResponse(results: (0..<5).map { _ in generator.result() }))
        let states = (0..<5).map { _ in
            PledgeState(id: generator.text(), fields: generator.fields { VersionedValue(value: $0.value(), version: 7) },
                        conflicts: (0..<generator.next(3)).map { _ in generator.conflict() })
        }
        try expectSameBytes(PullPage(pledges: states, cursor: "s42", hasMore: true))
        try expectSameBytes(PullPage(pledges: [], cursor: "", hasMore: false))
    }

    @Test func writtenBytesDecodeToTheSameValue() throws {
        var generator = Generator(state: 7)
        for _ in 0..<100 {
            let change = generator.change()
            #expect(try CanonicalJSON.decode(Change.self, from: CanonicalJSON.encode(change)) == change)
            let result = generator.result()
            #expect(try CanonicalJSON.decode(ChangeResult.self, from: CanonicalJSON.encode(result)) == result)
        }
    }
}
