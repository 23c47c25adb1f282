import Foundation
import PledgeModel
import Testing
import TestSupport

/// Invariant 4: SIGKILL `pledge sync` at random points of its push and pull, and the registry while
/// batches are applied; after restarting and syncing, invariants 1–3 and 5 hold and nothing
/// acknowledged is lost. `PLEDGE_CRASHES` sets the number (CI: 16; `Scripts/soak --crashes 200`).
@Suite(.serialized) struct CrashTests {
    @Test func nodeAndRegistryCrashesLoseNothingAndConverge() throws {
        let seed = ReliabilitySettings.seed()
        let crashes = max(2, ReliabilitySettings.crashes)
        let registryCrashes = crashes * 2 / 5
        let nodeCrashes = crashes - registryCrashes
        print("seed=\(seed) (crash test: \(nodeCrashes) node + \(registryCrashes) registry crashes; replay with PLEDGE_RANDOM_SEED=\(seed))")
        let simulation = try Simulation(seed: seed, options: SimulationOptions(
            label: "\(crashes) crashes", steps: 60, checkpointEvery: crashes > 50 ? 400 : 0,
            nodeCrashes: nodeCrashes, registryCrashes: registryCrashes, maxSeconds: crashes > 50 ? 3_600 : 240))
        let violations = simulation.run()
        var figures: [String: Any] = simulation.figures
        figures["seed"] = seed
        Figures.report("crash", figures)
        let injected = simulation.figures["nodeCrashes", default: 0] + simulation.figures["registryCrashes", default: 0]
        #expect(injected >= crashes, "seed=\(seed): only \(injected) of \(crashes) crashes could be injected")
        #expect(violations.isEmpty, Comment(rawValue: simulation.failureReport("crash test")))
    }
}
