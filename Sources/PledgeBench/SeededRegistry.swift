import PledgeModel

/// A registry seeded with `count` pledges, served by a real `pledge registry serve`.
///
/// Ownership: the bench delegation (KOR) owns `benchPledges` pledges spread evenly through the
/// registry; the quiet delegation (ISL) owns one pledge near the start; every other pledge belongs to
/// the other delegations in turn, and one in fifty names a partner.
final class SeededRegistry {
    /// The delegation whose node makes the incremental changes.
    static let benchDelegation = "KOR"
    /// A delegation with one old pledge: its cursor stays near the start of the registry.
    static let quietDelegation = "ISL"
    /// A typical delegation: its pledges are spread evenly, its latest one near the head.
    static let typicalDelegation = "GHA"

    /// Pledges in the registry.
    let count: Int
    /// The registry's SQLite file.
    let path: String
    /// The server.
    let server: RegistryServerProcess
    /// The factory the pledges came from.
    let factory: PledgeFactory
    /// Indexes of the bench delegation's pledges.
    let benchIndexes: [Int]
    /// Seconds the direct seeding took.
    let seedSeconds: Double

    /// Seeds a registry of `count` pledges in `folder` and starts its server.
    init(context: BenchContext, count: Int, benchPledges: Int, folder: String) throws {
        precondition(count >= benchPledges * 2, "the registry must hold at least twice the bench delegation's pledges")
        self.count = count
        path = context.path("\(folder)/registry.sqlite")
        factory = PledgeFactory(tag: context.nextTag())
        let stride = count / benchPledges
        benchIndexes = (0..<benchPledges).map { $0 * stride }
        let others = ReferenceData.delegations.map(\.code).filter { ![Self.benchDelegation, Self.quietDelegation].contains($0) }
        let ownership = RegistryFixture.Ownership(
            delegation: { index in
                if index % stride == 0, index / stride < benchPledges { return Self.benchDelegation }
                if index == 1 { return Self.quietDelegation }
                return others[index % others.count]
            },
            partners: { index in
                guard index % 50 == 7, index != 1 else { return [] }
                return [others[(index + 7) % others.count]]
            })
        BenchLog.say("seeding a registry of \(Format.count(count)) pledges (direct SQLite insert, server stopped)")
        seedSeconds = try RegistryFixture.seed(at: path, count: count, factory: factory, ownership: ownership)
        server = try context.startRegistry(databasePath: path)
    }

    /// Issues a token (the registry's own API, beside the running server: SQLite WAL allows it).
    func token(_ principal: Principal, device: String) async throws -> String {
        try await RegistryFixture.issueTokens(at: path, for: [(principal, device)])[0]
    }

    /// Stops the server.
    func stop() { server.stop() }
}
