import Foundation
import PledgeModel
import SyncClient
import Testing
import TestSupport

/// The registry's server answers many delegations' reads and writes at once: its reads run on the
/// request's own thread and its writes wait on the database's queue (docs/performance.md, step 13),
/// so no mix of them may stall it.
@Suite struct ConcurrentRequestsTests {
    @Test(.timeLimit(.minutes(1))) func pullsLookupsHistoriesAndPushesAtOnceAreAllAnswered() throws {
        let directory = TemporaryDirectory()
        let registry = try RegistryProcess(databasePath: directory.path("registry.sqlite"))
        let korea = try TestNode("kor1", in: directory, delegation: "KOR", registry: registry)
        let ids = try (1...3).map { try korea.addHospital(title: "Hospital \($0)") }
        try korea.sync()
        // A second laptop keeps pushing while the reads run.
        // Only the one worker below touches it.
        nonisolated(unsafe) let writer = try TestNode("kor2", in: directory, delegation: "KOR", registry: registry)
        writer.batchSize = 1
        for index in 1...12 { _ = try writer.addHospital(title: "Concurrent \(index)") }

        let readers = 8, requestsEach = 12
        let paths = ["/v1/pull?limit=1", "/v1/pull", "/v1/pledges/\(ids[0])", "/v1/pledges/\(ids[1])/history"]
        let token = korea.token, url = registry.url
        let statuses = LockedList<Int>()
        let failures = LockedList<String>()
        // The writer is worker 0, so it starts first whatever the number of cores.
        DispatchQueue.concurrentPerform(iterations: readers + 1) { worker in
            if worker == 0 {
                do { try writer.sync() } catch { failures.append("kor2's sync: \(error)") }
                return
            }
            // Each reader has its own connection, as each node does.
            let transport = CurlTransport()
            for request in 0..<requestsEach {
                let path = paths[(worker + request) % paths.count]  // workers 1…readers
                do {
                    let reply = try transport.send(HTTPRequestSpec(method: "GET", url: url + path, headers: ["Authorization": "Bearer \(token)"]))
                    statuses.append(reply.status)
                } catch {
                    failures.append("GET \(path): \(error)")
                }
            }
        }
        #expect(failures.values.isEmpty, "\(failures.values)")
        #expect(statuses.values.count == readers * requestsEach)
        #expect(statuses.values.allSatisfy { $0 == 200 }, "\(statuses.values)")
        // Nothing pushed during the reads was lost: a fresh pull sees all fifteen pledges.
        try korea.sync()
        #expect(try korea.allPledges().count == 15)
    }
}

/// A list several threads append to.
final class LockedList<Element>: @unchecked Sendable {
    private var items: [Element] = []
    private let lock = NSLock()

    func append(_ item: Element) { lock.withLock { items.append(item) } }
    var values: [Element] { lock.withLock { items } }
}
