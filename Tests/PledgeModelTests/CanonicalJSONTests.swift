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

        mutating func fields<V>(_ make: (inout Generator) -> V) -> FieldDictionary<V> {
            var map: FieldDictionary<V> = [:]
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

    /// A node splices a sealed change's bytes again on every send (it stores no copy), so a retry
    /// carries the first send's bytes only while this layout holds: a change here changes the
    /// content hash of every change waiting for an answer, which the registry would then refuse as
    /// `change-id-reused`. Pinned byte for byte.
    @Test func aChangesBytesArePinned() throws {
        let change = Change(changeId: "01936b2e-5f00-7a00-8b00-000000000001", pledgeId: "8ed462a8-e42b-4d6b-bc7c-bfacce2a325e",
                            fields: [.title: .text("Level 2 hospital, Juba"), .women: .integer(12), .missions: .list(["UNMISS"])],
                            bases: [.title: .version(3), .women: .change("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"), .missions: .version(0)],
                            device: "KOR-laptop-1", madeAt: "2025-05-13T09:30:00Z")
        let pinned = #"{"bases":{"missions":0,"title":3,"women":"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"},"#
            + #""changeId":"01936b2e-5f00-7a00-8b00-000000000001","device":"KOR-laptop-1","#
            + #""fields":{"missions":["UNMISS"],"title":"Level 2 hospital, Juba","women":12},"#
            + #""madeAt":"2025-05-13T09:30:00Z","pledgeId":"8ed462a8-e42b-4d6b-bc7c-bfacce2a325e","resolves":[]}"#
        #expect(String(decoding: try CanonicalJSON.encode(change), as: UTF8.self) == pinned)
        let spliced = Change.canonicalJSON(changeId: change.changeId, pledgeId: change.pledgeId,
                                           basesJSON: try CanonicalJSON.string(change.bases), fieldsJSON: try CanonicalJSON.string(change.fields),
                                           resolvesJSON: "[]", device: change.device, madeAt: change.madeAt)
        #expect(String(decoding: spliced, as: UTF8.self) == pinned)
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
        try expectSameBytes(PushRequest(changes: (0..<5).map { _ in generator.change() }, batchSignature: generator.text()))
        try expectSameBytes(PushResponse(results: (0..<5).map { _ in generator.result() }))
        try expectSameBytes(PushResponse(results: (0..<5).map { _ in generator.result() }, receipt: generator.text()))
        try expectSameBytes(PushResponse(results: (0..<2).map { _ in generator.result() },
                                         auditHead: AuditHead(entry: generator.next(9_999) + 1, hash: generator.text()), receipt: generator.text()))
        let states = (0..<5).map { _ in
            PledgeState(id: generator.text(), fields: generator.fields { VersionedValue(value: $0.value(), version: 7) },
                        conflicts: (0..<generator.next(3)).map { _ in generator.conflict() })
        }
        try expectSameBytes(PullPage(pledges: states, cursor: "s42", hasMore: true))
        try expectSameBytes(PullPage(pledges: [], cursor: "", hasMore: false))
        try expectSameBytes(PullPage(pledges: states, cursor: "s43", hasMore: false, left: [generator.text(), generator.text()]))
    }

    /// The registry splices stored fields into pull pages; nodes must get the bytes of the decoded page.
    @Test func splicedPullPageGivesThePagesBytesAndValues() throws {
        var generator = Generator(state: 2_025)
        for pledgeCount in [0, 1, 7] {
            let states = (0..<pledgeCount).map { _ in
                PledgeState(id: generator.text(), fields: generator.fields { VersionedValue(value: $0.value(), version: $0.next(9_999)) },
                            conflicts: (0..<generator.next(3)).map { _ in generator.conflict() })
            }
            let page = PullPage(pledges: states, cursor: "s\(pledgeCount)", hasMore: pledgeCount == 7,
                                left: pledgeCount == 1 ? [generator.text()] : nil)
            // What the registry stores is what the canonical coder wrote.
            let spliced = EncodedPullPage(pledges: try states.map { state in
                EncodedPullPage.Entry(id: state.id, fieldsJSON: try CanonicalJSON.string(state.fields), conflicts: state.conflicts)
            }, cursor: page.cursor, hasMore: page.hasMore, left: page.left)
            var writer = JSONWriter()
            spliced.writeJSON(to: &writer)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: try CanonicalJSON.encodeWithFoundation(page), as: UTF8.self))
            let decoded = try spliced.decoded()
            #expect(decoded.pledges == page.pledges && decoded.cursor == page.cursor && decoded.hasMore == page.hasMore
                    && decoded.left == page.left)
        }
    }

    /// The registry splices each recorded result into its push reply; the bytes must be those of the
    /// `PushResponse` a node decodes, both as its receipt signs them (no receipt) and as sent.
    @Test func aResultReadFromAReplyKeepsItsFieldsTextUnlessItHoldsUnknownMembers() throws {
        let fields = #"{"title":{"value":"A","version":3}}"#
        let text = #"{"changeId":"c","conflicts":[],"fields": "# + fields + #" ,"outcome":"applied","reasons":[]}"#
        let result = try CanonicalJSON.decode(ChangeResult.self, from: Data(text.utf8))
        #expect(result.fieldsJSONAsReceived == fields, "the value's own bytes, without the spaces around it")
        #expect(result.fields[.title] == VersionedValue(value: .text("A"), version: 3))
        var changed = result
        changed.fields[.title] = VersionedValue(value: .text("B"), version: 4)
        #expect(changed.fieldsJSONAsReceived == nil, "a text that no longer matches the fields is dropped")
        let unknown = #"{"changeId":"c","conflicts":[],"fields":{"title":{"note":"x","value":"A","version":3}},"outcome":"applied","reasons":[]}"#
        #expect(try CanonicalJSON.decode(ChangeResult.self, from: Data(unknown.utf8)).fieldsJSONAsReceived == nil)
        let laterMember = #"{"changeId":"c","conflicts":[],"fields":{"title":{"value":"A","version":3}},"note":"x","outcome":"applied","reasons":[]}"#
        #expect(try CanonicalJSON.decode(ChangeResult.self, from: Data(laterMember.utf8)).fieldsJSONAsReceived == fields)
        #expect(try JSONDecoder().decode(ChangeResult.self, from: Data(text.utf8)).fieldsJSONAsReceived == nil)
        #expect(try CanonicalJSON.decode(ChangeResult.self, from: Data(text.utf8)) == JSONDecoder().decode(ChangeResult.self, from: Data(text.utf8)))
    }

    @Test func splicedPushReplyGivesTheRepliesBytes() throws {
        var generator = Generator(state: 1_202)
        for resultCount in [0, 1, 6] {
            let results = (0..<resultCount).map { _ in
                var result = generator.result()
                result.receipt = nil
                return result
            }
            let head = resultCount == 1 ? nil : AuditHead(entry: generator.next(9_999) + 1, hash: generator.text())
            var spliced = EncodedPushResponse(resultsJSON: try results.map { try CanonicalJSON.string($0) }, auditHead: head)
            func written() -> String {
                var writer = JSONWriter()
                spliced.writeJSON(to: &writer)
                return String(decoding: writer.bytes, as: UTF8.self)
            }
            #expect(written() == String(decoding: try CanonicalJSON.encodeWithFoundation(PushResponse(results: results, auditHead: head)), as: UTF8.self))
            spliced.receipt = generator.text()
            let sent = PushResponse(results: results, auditHead: head, receipt: spliced.receipt)
            #expect(written() == String(decoding: try CanonicalJSON.encodeWithFoundation(sent), as: UTF8.self))
        }
    }

    /// A node seals a change by splicing its outbox's canonical `bases`, `fields` and `resolves`
    /// text; the bytes must be the unsigned change's, or the registry's content hash and the batch
    /// signature would disagree.
    @Test func splicedSealedChangeGivesTheChangesBytes() throws {
        var generator = Generator(state: 77)
        for _ in 0..<200 {
            let change = generator.change().unsigned
            let spliced = Change.canonicalJSON(changeId: change.changeId, pledgeId: change.pledgeId,
                                               basesJSON: try CanonicalJSON.string(change.bases), fieldsJSON: try CanonicalJSON.string(change.fields),
                                               resolvesJSON: try CanonicalJSON.string(change.resolves), device: change.device, madeAt: change.madeAt)
            #expect(String(decoding: spliced, as: UTF8.self) == String(decoding: try CanonicalJSON.encodeWithFoundation(change), as: UTF8.self))
        }
    }

    /// The registry splices a creation's stored fields into its recorded answer.
    @Test func splicedResultGivesTheResultsBytes() throws {
        var generator = Generator(state: 4_242)
        for _ in 0..<200 {
            let result = generator.result()
            let spliced = result.canonicalJSON(fieldsJSON: try CanonicalJSON.string(result.fields))
            #expect(spliced == String(decoding: try CanonicalJSON.encodeWithFoundation(result), as: UTF8.self))
        }
    }

    /// Fields hash, compare and sort by their declaration index; the index must be that order.
    @Test func fieldOrdinalIsTheDeclarationIndex() {
        for (index, field) in PledgeField.allCases.enumerated() {
            #expect(field.ordinal == index)
            #expect(PledgeField.allCases.filter { $0 == field }.count == 1)
        }
        #expect(PledgeField.allCases.sorted() == PledgeField.allCases)
        #expect(Set(PledgeField.allCases).count == PledgeField.allCases.count)
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
    private func expectSameValue<T: Decodable & Equatable>(_ type: T.Type, _ data: Data,
                                                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let reference = try CanonicalJSON.decodeWithFoundation(type, from: data)
        #expect(try CanonicalJSON.decode(type, from: data) == reference, sourceLocation: sourceLocation)
    }

    @Test func readersGiveJSONDecodersValues() throws {
        var generator = Generator(state: 11)
        for _ in 0..<300 {
            try expectSameValue(ChangeResult.self, CanonicalJSON.encode(generator.result()))
            try expectSameValue(ConflictRecord.self, CanonicalJSON.encode(generator.conflict()))
            let pledge = Pledge(id: generator.text(), fields: generator.fields { $0.value() })
            try expectSameValue(Pledge.self, CanonicalJSON.encode(pledge))
        }
        // Input the writers never produce: whitespace, escapes of any kind, unknown keys, nulls for optionals.
        let handWritten = #"""
         { "changeId" : "c\u00e9\/\ud83d\ude00\n" , "outcome":"rejected", "future": {"a": [1, 2.5e-3, true, null, "x"]},
           "reasons": [ {"code": "invalid", "field": null, "message": "\"quoted\""} ], "fields": { "title": {"value": null, "version": 0},
           "partners": {"value": ["GHA", "KOR"], "version": 12} }, "conflicts": [], "receipt": null }
        """#
        try expectSameValue(ChangeResult.self, Data(handWritten.utf8))
    }

    @Test func readersRefuseWhatJSONDecoderRefuses() throws {
        let malformed = [
            #"{"changeId":"a","outcome":"applied","reasons":[],"fields":{},"conflicts":[]"#,              // unterminated
            #"{"changeId":"a","outcome":"applied","reasons":[],"fields":{}}"#,                            // missing key
            #"{"changeId":"a","outcome":"won","reasons":[],"fields":{},"conflicts":[]}"#,                // unknown outcome
            #"{"changeId":"a","outcome":"applied","reasons":[],"fields":{"salary":{"value":1,"version":1}},"conflicts":[]}"#,
            #"{"changeId":"a","outcome":"applied","reasons":[],"fields":{"title":{"value":{"x":1},"version":1}},"conflicts":[]}"#,
            #"{"changeId":"a","outcome":"applied","reasons":[],"fields":{"title":{"value":1.5,"version":1}},"conflicts":[]}"#,
            #"{"changeId":"a","outcome":"applied","reasons":[],"fields":{"title":{"version":1}},"conflicts":[]}"#,
            #"{"changeId":"a\x","outcome":"applied","reasons":[],"fields":{},"conflicts":[]}"#,          // bad escape
            #"{"changeId":"\ud800","outcome":"applied","reasons":[],"fields":{},"conflicts":[]}"#,       // lone surrogate
            #"{"changeId":"a","outcome":"applied","reasons":[],"fields":{},"conflicts":[]} x"#,          // trailing bytes
            "{\"changeId\":\"a\u{1}\",\"outcome\":\"applied\",\"reasons\":[],\"fields\":{},\"conflicts\":[]}", // raw control character
            String(repeating: "[", count: 5_000),
            "",
        ]
        for text in malformed {
            #expect(throws: (any Error).self, "JSONDecoder must refuse: \(text.prefix(80))") {
                try CanonicalJSON.decodeWithFoundation(ChangeResult.self, from: Data(text.utf8))
            }
            #expect(throws: (any Error).self, "the reader must refuse: \(text.prefix(80))") {
                try CanonicalJSON.decode(ChangeResult.self, from: Data(text.utf8))
            }
        }
        #expect(throws: (any Error).self) { try CanonicalJSON.decode(ChangeResult.self, from: Data([0x22, 0xff, 0x22])) }
        // Stricter than JSONDecoder, which lets a trailing comma through: not JSON, so refused.
        #expect(throws: (any Error).self) {
            try CanonicalJSON.decode(ChangeResult.self, from: Data(#"{"changeId":"a","outcome":"applied","reasons":[],"fields":{},"conflicts":[],}"#.utf8))
        }
    }
}
