import Foundation

/// Runs the selected scenarios in order, collecting rows and failures.
final class BenchRun {
    /// The run's context.
    let context: BenchContext
    /// Rows of every scenario that finished.
    private(set) var rows: [ResultRow] = []
    /// Scenarios that could not finish, with why.
    private(set) var failures: [String] = []

    /// Creates a run.
    init(context: BenchContext) { self.context = context }

    /// Runs every selected scenario; a failing scenario is recorded and the others still run.
    func runAll() async {
        let options = context.options, sizes = context.sizes
        if options.runs("bulk") { await attempt("bulk") { try await BulkSyncScenario.run(context) } }
        if options.runs("incremental") || options.runs("noop") || options.runs("memory") {
            do {
                let large = try SeededRegistry(context: context, count: sizes.largeRegistry, benchPledges: sizes.incrementalChanges, folder: "large")
                defer { large.stop() }
                if options.runs("incremental") {
                    await attempt("incremental") {
                        let small = try SeededRegistry(context: context, count: sizes.smallRegistry, benchPledges: sizes.incrementalChanges, folder: "small")
                        defer { small.stop() }
                        return try await IncrementalScenario.run(context, small: small, large: large)
                    }
                }
                if options.runs("noop") { await attempt("noop") { try await NoOpSyncScenario.run(context, registry: large) } }
                if options.runs("memory") { await attempt("memory") { try await MemoryPullScenario.run(context, registry: large) } }
            } catch {
                failures.append("seeding the large registry: \(error)")
            }
        }
        if options.runs("concurrent") { await attempt("concurrent") { try await ConcurrentSyncScenario.run(context) } }
    }

    /// Runs one scenario, recording its rows or its failure.
    private func attempt(_ name: String, _ scenario: () async throws -> [ResultRow]) async {
        // What the build or the scenario before left unwritten is not this scenario's to pay for.
        DirtyPages.flush(before: name)
        let start = Stopwatch.now()
        do {
            rows += try await scenario()
            BenchLog.say("\(name): done in \(Format.seconds(Stopwatch.now() - start))")
        } catch {
            failures.append("\(name): \(error)")
            BenchLog.say("\(name): FAILED: \(error)")
        }
    }
}
