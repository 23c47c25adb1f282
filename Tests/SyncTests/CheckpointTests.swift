import Foundation
import Testing
import TestSupport

/// The registry copies what a push wrote to its WAL into the database file on a thread of its own,
/// right after the push, instead of in the commit that crosses SQLite's threshold (docs/performance.md,
/// step 30). What a push wrote must reach the database file without waiting for the WAL to fill.
@Suite struct CheckpointTests {
    func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    @Test func aPushReachesTheDatabaseFileSoonAfterItsCommit() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("registry.sqlite")
        let registry = try RegistryProcess(databasePath: path)
        let laptop = try TestNode("kor-laptop", in: directory, delegation: "KOR", registry: registry)
        for index in 1...40 { _ = try laptop.addHospital(title: "Hospital \(index)") }
        let before = size(of: path)

        let report = try laptop.sync()
        #expect(report.applied == 40)
        // 40 pledges are some 60 pages of WAL, far below the writer's own threshold (10,000 pages):
        // only the background checkpoint copies them now. Bounded wait; it starts right after the commit.
        let deadline = Date().addingTimeInterval(20)
        while size(of: path) <= before, Date() < deadline { usleep(50_000) }
        #expect(size(of: path) > before, "the database file stayed at \(before) bytes: the WAL was not checkpointed")
    }
}
