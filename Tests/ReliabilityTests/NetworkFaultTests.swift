import Foundation
import PledgeModel
import Testing
import TestSupport

/// Network faults between nodes and the registry, from a fault-injecting proxy on loopback driven
/// by the same randomized schedules: dropped requests, lost and truncated replies, delays, 500 and
/// 429. Once the faults stop, every node converges and no change is applied twice.
/// `PLEDGE_FAULTS` sets the number (CI: 100; `Scripts/soak --faults 1000`).
@Suite(.serialized) struct NetworkFaultTests {
    @Test func syncConvergesOnceFaultsStopWithNoDuplicateChange() throws {
        let seed = ReliabilitySettings.seed()
        let faults = max(1, ReliabilitySettings.faults)
        print("seed=\(seed) (network faults: \(faults); replay with PLEDGE_RANDOM_SEED=\(seed))")
        let simulation = try Simulation(seed: seed, options: SimulationOptions(
            label: "\(faults) faults", steps: 80, checkpointEvery: faults > 300 ? 600 : 0, faults: faults,
            maxSeconds: faults > 300 ? 3_600 : 240))
        let violations = simulation.run()
        var figures: [String: Any] = simulation.figures
        figures["seed"] = seed
        Figures.report("faults", figures)
        #expect(simulation.figures["faultsInjected", default: 0] >= faults, "seed=\(seed): only \(simulation.figures["faultsInjected", default: 0]) of \(faults) faults injected")
        #expect(violations.isEmpty, Comment(rawValue: simulation.failureReport("network faults")))
    }
}
