import Foundation

// pledge-bench: sync throughput, round trips, scale and memory against floors measured in the same run.
// Scripts/bench builds it in release mode and runs it; see docs/performance.md.

_ = BenchLog.origin
let options: BenchOptions
do {
    options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(64)
}

let context: BenchContext
do { context = try BenchContext(options: options) } catch {
    FileHandle.standardError.write(Data("pledge-bench: \(error)\n".utf8))
    exit(1)
}
ChildRegistry.shared.pidFile = context.path("children.pids")
SignalGuard.install()
let startedAt = Date()
BenchLog.say("\(options.mode.rawValue) run on \(ProcessInfo.processInfo.activeProcessorCount) processors; work in \(context.workDirectory)")

let run = BenchRun(context: context)
await run.runAll()
ChildRegistry.shared.killAll()

let duration = Date().timeIntervalSince(startedAt)
let title = "Pledge Registry bench (\(options.mode.rawValue), \(ProcessInfo.processInfo.activeProcessorCount) processors, \(Format.seconds(duration)))"
print(ResultTable.render(run.rows, title: title))
for failure in run.failures { print("FAILED: \(failure)") }
fflush(nil)
let file = ResultFile(mode: options.mode.rawValue, startedAt: startedAt.ISO8601Format(), durationSeconds: duration,
                      processors: ProcessInfo.processInfo.activeProcessorCount, sizes: context.sizes, rows: run.rows, failures: run.failures)
do {
    try file.write(to: options.output)
    print("\nJSON table written to \(options.output)")
    fflush(nil)
} catch {
    FileHandle.standardError.write(Data("pledge-bench: cannot write \(options.output): \(error)\n".utf8))
}
context.cleanUp()
exit(run.failures.isEmpty ? 0 : 1)
