import Foundation
import Testing
@testable import PledgeModel

/// New change ids are version 7 UUIDs: valid ids the registry takes, that sort in the order they
/// were made (what keeps SQLite's primary-key indexes appending). Pledge ids stay random.
@Suite struct TimeOrderedUUIDTests {
    @Test func idsAreLowercaseVersion7UUIDsWithTheRFCVariant() throws {
        for _ in 0..<500 {
            let id = TimeOrderedUUID.make()
            #expect(CanonicalUUID(id)?.text == id)
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuid.6 >> 4 == 7, "version nibble of \(id)")
            #expect(uuid.uuid.8 >> 6 == 0b10, "variant bits of \(id)")
        }
    }

    @Test func theFirst48BitsAreTheUnixMilliseconds() throws {
        let id = TimeOrderedUUID.Generator().make(now: Date(timeIntervalSince1970: 1_764_000_000.123))
        let milliseconds = try #require(UInt64(id.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16))
        #expect(milliseconds == 1_764_000_000_123)
    }

    @Test func idsMadeOneAfterAnotherSortInThatOrderEvenWithinOneMillisecond() {
        // 10,000 ids at one instant overflow the 12-bit sequence more than once: the timestamp moves on instead.
        let generator = TimeOrderedUUID.Generator()
        let instant = Date(timeIntervalSince1970: 1_764_000_000)
        var previous = generator.make(now: instant)
        for _ in 0..<10_000 {
            let next = generator.make(now: instant)
            #expect(next > previous, "\(next) must sort after \(previous)")
            previous = next
        }
    }

    @Test func aClockThatStepsBackDoesNotBreakTheOrder() {
        let generator = TimeOrderedUUID.Generator()
        let later = generator.make(now: Date(timeIntervalSince1970: 1_764_000_001))
        let afterTheStepBack = generator.make(now: Date(timeIntervalSince1970: 1_764_000_000))
        #expect(afterTheStepBack > later)
    }

    @Test func idsMadeOnSeveralThreadsAreDistinctAndEachThreadsSortInOrder() async {
        let batches = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { (0..<2_000).map { _ in TimeOrderedUUID.make() } } }
            return await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        let all = batches.flatMap { $0 }
        #expect(Set(all).count == all.count)
        for batch in batches { #expect(batch == batch.sorted()) }
    }
}
