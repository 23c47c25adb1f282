import Foundation
import PledgeModel
import Testing
import TestSupport

/// The seeded, randomized model-based test (DESIGN section 4's invariants on random schedules).
///
/// CI runs the fast setting with a fresh seed each time, printed as `seed=N`; a failure is replayed
/// with `PLEDGE_RANDOM_SEED=N swift test --filter ReliabilityTests.RandomizedConvergenceTests`.
/// `Scripts/soak --steps 10000` runs the long setting.
@Suite(.serialized) struct RandomizedConvergenceTests {
    @Test func randomEditsAndSyncsConvergeWithNoLostEditAndNoDuplicate() throws {
        let seed = ReliabilitySettings.seed()
        let steps = ReliabilitySettings.randomSteps
        print("seed=\(seed) (randomized convergence, \(steps) steps; replay with PLEDGE_RANDOM_SEED=\(seed))")
        let simulation = try Simulation(seed: seed, options: SimulationOptions(
            label: "\(steps) steps", steps: steps, checkpointEvery: ReliabilitySettings.checkpointEvery,
            pledgeCap: steps > 2_000 ? 60 : 30, maxSeconds: steps > 2_000 ? 7_200 : 300))
        let violations = simulation.run()
        var figures: [String: Any] = simulation.figures
        figures["seed"] = seed
        Figures.report("randomized", figures)
        #expect(simulation.step >= steps, "seed=\(seed): only \(simulation.step) of \(steps) steps ran (time limit)")
        #expect(violations.isEmpty, Comment(rawValue: simulation.failureReport("randomized convergence")))
    }
}
