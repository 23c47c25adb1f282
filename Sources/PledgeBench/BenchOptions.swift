import Foundation

/// The command line of `pledge-bench`, parsed by hand (no ArgumentParser in this target).
struct BenchOptions {
    /// How big the scenarios are.
    enum Mode: String { case quick, full }

    /// Quick (smaller sizes, the default) or full (the sizes of DESIGN section 7).
    var mode = Mode.quick
    /// The release `pledge` executable that serves the registry and runs `pledge sync` children.
    var pledgeBinary = ""
    /// Where the JSON table is written.
    var output = "bench-results.json"
    /// Where scenario files go (a fresh temporary directory when nil).
    var workDirectory: String?
    /// Keep the work directory afterwards, for inspection.
    var keepWork = false
    /// Only these scenarios (all when empty): bulk, incremental, noop, concurrent, memory.
    var only: Set<String> = []

    /// Size overrides, e.g. `bulkPledges=5000` (for profiling one scenario at another size).
    var sizeOverrides: [String: Int] = [:]

    /// Every scenario name `--only` accepts.
    static let scenarioNames: Set<String> = ["bulk", "incremental", "noop", "concurrent", "memory"]

    /// The usage text printed for `--help` and for a bad argument.
    static let usage = """
        usage: pledge-bench --pledge PATH [--quick | --full] [--output FILE] [--work DIR] [--keep] [--only a,b]
          --pledge PATH   the release `pledge` binary (serves the registry, runs `pledge sync`)
          --quick         smaller sizes, a few minutes on 2 cores (default)
          --full          the sizes of DESIGN section 7 (100,000 bulk; 1,000,000 registry; 200 nodes)
          --output FILE   where to write the JSON table (default bench-results.json)
          --work DIR      where to put databases and logs (default: a fresh temporary directory)
          --keep          keep the work directory afterwards
          --only LIST     comma-separated subset of: bulk, incremental, noop, concurrent, memory
          --sizes LIST    override sizes, e.g. bulkPledges=5000,concurrentNodes=50 (names as in the JSON's sizes)
        """

    /// Parses `arguments` (without the program name); throws a message for people on a bad argument.
    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var rest = arguments[...]
        func value(for flag: String) throws -> String {
            guard let next = rest.popFirst(), !next.hasPrefix("--") else { throw BenchFailure("\(flag) needs a value\n\(usage)") }
            return next
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--quick": options.mode = .quick
            case "--full": options.mode = .full
            case "--pledge": options.pledgeBinary = try value(for: argument)
            case "--output": options.output = try value(for: argument)
            case "--work": options.workDirectory = try value(for: argument)
            case "--keep": options.keepWork = true
            case "--only":
                options.only = Set(try value(for: argument).split(separator: ",").map(String.init))
                let unknown = options.only.subtracting(scenarioNames)
                guard unknown.isEmpty else { throw BenchFailure("--only: unknown scenario(s) \(unknown.sorted().joined(separator: ", "))\n\(usage)") }
            case "--sizes":
                for item in try value(for: argument).split(separator: ",") {
                    let parts = item.split(separator: "=")
                    guard parts.count == 2, let number = Int(parts[1]), number > 0 else { throw BenchFailure("--sizes: '\(item)' is not name=positive-integer") }
                    options.sizeOverrides[String(parts[0])] = number
                }
            case "--help", "-h": throw BenchFailure(usage)
            default: throw BenchFailure("unknown argument '\(argument)'\n\(usage)")
            }
        }
        guard !options.pledgeBinary.isEmpty else { throw BenchFailure("--pledge PATH is required\n\(usage)") }
        guard FileManager.default.isExecutableFile(atPath: options.pledgeBinary) else {
            throw BenchFailure("--pledge \(options.pledgeBinary) is not an executable file (build it with `swift build -c release --product pledge`)")
        }
        return options
    }

    /// Whether the scenario called `name` is to run.
    func runs(_ name: String) -> Bool { only.isEmpty || only.contains(name) }
}
