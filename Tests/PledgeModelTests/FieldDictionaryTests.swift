import Foundation
import Testing
@testable import PledgeModel

/// Field maps behave as the `Dictionary` they replaced: what is set is found, what is removed is
/// gone, equality ignores how a map was built, and the JSON is a `[PledgeField: Value]`'s.
@Suite struct FieldDictionaryTests {
    @Test func setFindRemoveAndCount() {
        var map: FieldMap = [.title: .text("Hospital"), .personnel: .integer(63)]
        #expect(map.count == 2 && !map.isEmpty)
        #expect(map[.title] == .text("Hospital"))
        #expect(map[.women] == nil)
        map[.title] = .text("Clinic")
        #expect(map.count == 2)
        #expect(map.removeValue(forKey: .personnel) == .integer(63))
        map[.women] = nil
        #expect(map.count == 1)
        map[.title] = nil
        #expect(map.isEmpty && map == FieldMap())
        #expect(FieldMap().count == 0 && FieldMap()[.title] == nil)
    }

    @Test func iteratesInFieldOrderAndComparesByContent() {
        var built = FieldMap()
        for field in [PledgeField.status, .title, .ref] { built[field] = .text(field.rawValue) }
        #expect(built.keys == [.ref, .title, .status])
        let literal: FieldMap = [.title: .text("title"), .ref: .text("ref"), .status: .text("status")]
        #expect(built == literal && built.hashValue == literal.hashValue)
        var other = literal
        other[.status] = .text("other")
        #expect(other != literal)
        #expect(literal.filter { $0.key != .title }.keys == [.ref, .status])
        #expect(literal.mapValues { _ in 1 }.values == [1, 1, 1])
    }

    @Test func iterationOrderIsTheFieldsSortOrder() {
        // Validation, write rules and the registry's merge walk a map as it iterates and report in
        // that order, counting on it being sorted.
        var map = FieldMap()
        for field in PledgeField.inOrder.reversed() { map[field] = .null }
        let iterated = map.map(\.key)
        #expect(iterated == iterated.sorted() && iterated == PledgeField.inOrder && map.keys == iterated)
    }

    @Test func jsonIsTheDictionarysJSON() throws {
        let map: FieldMap = [.title: .text("Hospital"), .personnel: .integer(63), .partners: .list(["GHA"]), .description: .null]
        let dictionary = Dictionary(uniqueKeysWithValues: map.map { ($0.key, $0.value) })
        #expect(try CanonicalJSON.encodeWithFoundation(map) == (try CanonicalJSON.encodeWithFoundation(dictionary)))
        #expect(try CanonicalJSON.decodeWithFoundation(FieldMap.self, from: try CanonicalJSON.encodeWithFoundation(dictionary)) == map)
        #expect(throws: (any Error).self) { try CanonicalJSON.decodeWithFoundation(FieldMap.self, from: Data(#"{"colour":"red"}"#.utf8)) }
    }
}
