import Foundation
import PledgeModel
import Testing

@Suite("pledge --help and --json")
struct HelpAndJSONTests {
    static let subcommands = ["init", "add", "edit", "withdraw", "list", "show", "history", "status", "sync",
                              "conflicts", "resolve", "review", "duplicates", "merge", "export", "import", "report", "registry"]

    @Test func rootHelpListsEverySubcommand() throws {
        let workspace = try Workspace()
        let result = try workspace.run(["--help"])
        #expect(result.status == 0, "\(result)")
        for subcommand in Self.subcommands {
            #expect(result.stdout.contains(subcommand), "root help does not list \(subcommand)")
        }
        #expect(result.stdout.contains("64"), "the root help documents the exit statuses")
    }

    @Test(arguments: subcommands)
    func subcommandHelp(_ subcommand: String) throws {
        let workspace = try Workspace()
        let result = try workspace.run([subcommand, "--help"])
        #expect(result.status == 0, "\(subcommand) --help: \(result)")
        #expect(result.stdout.contains("pledge \(subcommand)"), "\(subcommand) --help must show its usage: \(result.stdout)")
        #expect(result.stdout.contains("USAGE") || result.stdout.contains("Usage"), "\(result.stdout)")
        let viaHelpCommand = try workspace.run(["help", subcommand])
        #expect(viaHelpCommand.status == 0, "help \(subcommand): \(viaHelpCommand)")
        #expect(viaHelpCommand.stdout.contains("pledge \(subcommand)"))
    }

    /// The subcommand names listed in a help screen's SUBCOMMANDS section.
    static func listedSubcommands(_ help: String) -> [String] {
        guard let start = help.range(of: "SUBCOMMANDS:") else { return [] }
        var names: [String] = []
        for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  See ") { break }
            guard line.hasPrefix("  "), let first = line.dropFirst(2).first, first.isLowercase else { continue }
            names.append(String(line.dropFirst(2).prefix { !$0.isWhitespace }))
        }
        return names
    }

    @Test func everyListedSubcommandAtEveryLevelHasHelp() throws {
        let workspace = try Workspace()
        var pending: [[String]] = [[]]
        var visited = 0
        while let path = pending.popLast(), visited < 100 {
            visited += 1
            let result = try workspace.run(path + ["--help"])
            let name = (["pledge"] + path).joined(separator: " ")
            #expect(result.status == 0, "\(name) --help: \(result)")
            #expect(result.stdout.contains(name), "\(name) --help must show its usage: \(result.stdout)")
            #expect(result.stdout.contains("OVERVIEW:"), "\(name) --help must say what the command does")
            let children = Self.listedSubcommands(result.stdout)
            if path.isEmpty {
                #expect(Set(Self.subcommands).isSubset(of: Set(children)), "root help lists \(children)")
            }
            pending += children.map { path + [$0] }
        }
        #expect(visited > Self.subcommands.count)
    }

    @Test func addHelpDocumentsEveryFieldOption() throws {
        let workspace = try Workspace()
        let help = try workspace.run(["add", "--help"]).stdout
        for option in ["--ministerial", "--area", "--modality", "--title", "--description", "--personnel", "--women",
                       "--unit-type", "--unit-count", "--courses", "--participants", "--amount", "--currency",
                       "--partner", "--mission", "--from", "--until", "--db"] {
            #expect(help.contains(option), "add --help does not mention \(option)")
        }
    }

    @Test func anUnknownOptionIsAUsageError() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        let result = try workspace.run(["add", "--db", db, "--colour", "blue"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("colour"))
        #expect(try workspace.records(db).isEmpty)
    }

    @Test func everyJSONOutputIsOneDocumentAndNothingElse() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        let ids = try addOneOfEachModality(workspace, db: db)
        try #require(try workspace.run(["edit", ids[0], "--db", db, "--women", "40"]).status == 0)

        let commands: [[String]] = [
            ["list", "--db", db, "--json"],
            ["list", "--db", db, "--json", "--area", "MEDICAL"],
            ["show", ids[0], "--db", db, "--json"],
            ["history", ids[0], "--db", db, "--json"],
            ["status", "--db", db, "--json"],
            ["conflicts", "--db", db, "--json"],
            ["report", "--db", db, "--json"],
            ["report", "--db", db, "--json", "--by", "delegation"],
        ]
        for command in commands {
            let result = try workspace.run(command)
            #expect(result.status == 0, "\(command.joined(separator: " ")): \(result)")
            #expect(isSingleJSONDocument(result.stdoutData), "\(command.joined(separator: " ")) stdout is not one JSON document: \(result.stdout)")
            let first = result.stdout.first { !$0.isWhitespace }
            #expect(first == "[" || first == "{", "\(command.joined(separator: " ")): \(result.stdout.prefix(80))")
        }

        let list = try workspace.run(["list", "--db", db, "--json", "--area", "MEDICAL"])
        let medical = try JSONDecoder().decode([ListedRecord].self, from: list.stdoutData)
        #expect(medical.map(\.pledge.id) == [ids[0]])

        let history = try workspace.run(["history", ids[0], "--db", db, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: history.stdoutData) as? [String: Any])
        #expect(document["pledge"] as? String == ids[0])
        // This node's own edits (`local`; `entries` in the first version of the document).
        let entries = try #require((document["local"] ?? document["entries"]) as? [[String: Any]], "\(history.stdout)")
        #expect(entries.contains { $0["field"] as? String == "women" && $0["newValue"] as? Int == 40 })

        let conflicts = try workspace.run(["conflicts", "--db", db, "--json"])
        #expect((try JSONSerialization.jsonObject(with: conflicts.stdoutData) as? [Any])?.isEmpty == true)
    }

    @Test func tableOutputKeepsMessagesOnStderr() throws {
        let workspace = try Workspace()
        let db = workspace.path("kor.sqlite")
        try workspace.initStore(db)
        let add = try workspace.run(["add", "--db", db, "--ministerial", "BERLIN_2025", "--area", "TRAINING", "--modality", "POLICY",
                                     "--title", "Policy"])
        try #require(add.status == 0)
        #expect(add.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(add.stderr.contains("KOR-BER25-001"))
        let list = try workspace.run(["list", "--db", db])
        #expect(list.status == 0)
        #expect(list.stdout.contains("KOR-BER25-001"))
        #expect(!list.stdout.contains("pledge(s)"))
    }
}
