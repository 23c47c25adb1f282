import Foundation

/// How big each scenario is, for a quick or a full run.
struct BenchSizes: Codable {
    /// Pledges pushed from one node and pulled into a fresh one.
    var bulkPledges: Int
    /// The small registry of the incremental scenario.
    var smallRegistry: Int
    /// The large registry: incremental at scale, no-op sync and the memory pull.
    var largeRegistry: Int
    /// Changes per incremental sync.
    var incrementalChanges: Int
    /// Timed incremental syncs per registry size (the median is reported).
    var incrementalRounds: Int
    /// Timed no-op syncs (the median is reported).
    var noOpRounds: Int
    /// Timed bare health GETs for the round-trip floor (the median is reported).
    var healthRounds: Int
    /// Nodes syncing at once.
    var concurrentNodes: Int
    /// New pledges on each of those nodes.
    var changesPerNode: Int

    /// The sizes of DESIGN section 7.
    static let full = BenchSizes(bulkPledges: 100_000, smallRegistry: 1_000, largeRegistry: 1_000_000,
                                 incrementalChanges: 100, incrementalRounds: 7, noOpRounds: 50, healthRounds: 300,
                                 concurrentNodes: 200, changesPerNode: 50)

    /// Smaller sizes that finish in under 5 minutes on 2 cores (the 200 nodes of the full run included).
    static let quick = BenchSizes(bulkPledges: 20_000, smallRegistry: 1_000, largeRegistry: 200_000,
                                  incrementalChanges: 100, incrementalRounds: 5, noOpRounds: 30, healthRounds: 200,
                                  concurrentNodes: 200, changesPerNode: 50)

    /// The sizes for a mode, with `overrides` (by property name) applied.
    static func forMode(_ mode: BenchOptions.Mode, overrides: [String: Int] = [:]) throws -> BenchSizes {
        let base = mode == .full ? full : quick
        guard !overrides.isEmpty else { return base }
        var dictionary = try JSONDecoder().decode([String: Int].self, from: JSONEncoder().encode(base))
        for (name, value) in overrides {
            guard dictionary[name] != nil else {
                throw BenchFailure("--sizes: unknown size '\(name)' (known: \(dictionary.keys.sorted().joined(separator: ", ")))")
            }
            dictionary[name] = value
        }
        return try JSONDecoder().decode(BenchSizes.self, from: JSONEncoder().encode(dictionary))
    }
}
