import GRDB
import PledgeModel
@testable import PledgeStore
import Testing

/// The pledge row as recording a push answer reads it.
@Suite("NodeStore: a pledge row read to record an answer")
struct StoredPledgeTests {
    @Test func theRowSaysWhetherAChangeOfThePledgeStillWaitsInTheOutbox() throws {
        try withStore { store, _ throws in
            let pledge = try store.create(unitFields()).pledge
            let other = try store.create(unitFields([.title: .text("Engineering company")])).pledge
            let database = try DatabaseQueue(path: store.path)
            func waits(_ id: String) throws -> Bool? {
                try database.read { db in try StoredPledge.fetchConfirmed(db, id: id)?.waitsInOutbox }
            }
            #expect(try waits(pledge.id) == true)
            try database.write { db in try db.execute(sql: "DELETE FROM outbox WHERE pledge_id = ?", arguments: [pledge.id]) }
            #expect(try waits(pledge.id) == false)
            #expect(try waits(other.id) == true)
            #expect(try waits("7d0f2a9e-0000-4000-8000-000000000000") == nil)
        }
    }
}
