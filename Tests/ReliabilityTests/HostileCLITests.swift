import Foundation
import GRDB
import PledgeModel
import PledgeStore
import Testing
import TestSupport

/// The command line under hostile arguments and CSV files: exit 64 with nothing written, or the
/// input stored verbatim; never a crash (an exit status of 128 or more is a signal).
@Suite(.serialized) struct HostileCLITests {
    /// A Korean node's store, with the means to count what a command wrote.
    final class Node {
        let directory = TemporaryDirectory()
        let path: String
        var tried = 0
        var problems: [String] = []

        init() throws {
            path = directory.path("kor.sqlite")
            let outcome = try PledgeBinary.run(["init", "--db", path, "--delegation", "KOR", "--device", "hostile"])
            guard outcome.status == 0 else { throw RegistryStartError(message: outcome.stderr) }
        }

        func counts() -> [String: Int] {
            var configuration = Configuration()
            configuration.readonly = true
            guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return [:] }
            return (try? queue.read { db in
                var result: [String: Int] = [:]
                for table in ["pledge", "outbox", "local_history", "rejected_change", "conflict"] {
                    result[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                }
                return result
            }) ?? [:]
        }

        /// Runs a command; checks the exit status is 0 or 64 and that 64 wrote nothing. Returns the outcome.
        @discardableResult
        func run(_ name: String, _ arguments: [String], allowed: Set<Int32> = [0, 64], expect: Int32? = nil) -> PledgeBinary.Outcome? {
            tried += 1
            let before = counts()
            guard let outcome = try? PledgeBinary.run(arguments) else { problems.append("\(name): cannot start pledge"); return nil }
            check(name, outcome, before: before, allowed: allowed, expect: expect)
            return outcome
        }

        func check(_ name: String, _ outcome: PledgeBinary.Outcome, before: [String: Int], allowed: Set<Int32>, expect: Int32?) {
            let after = counts()
            if outcome.status >= 128 || outcome.status < 0 {
                problems.append("\(name): crashed (exit \(outcome.status)): \(outcome.stderr.suffix(300))")
            } else if !allowed.contains(outcome.status) {
                problems.append("\(name): exit \(outcome.status), expected one of \(allowed.sorted()): \(outcome.stderr.suffix(300))")
            } else if let expect, outcome.status != expect {
                problems.append("\(name): exit \(outcome.status), expected \(expect): \(outcome.stderr.suffix(300))")
            }
            if outcome.status != 0, before != after { problems.append("\(name): exit \(outcome.status) but the store changed \(before) → \(after)") }
        }

        /// `pledge add` with a valid base and `extra` options; if it succeeds, `verbatim` fields must be stored as given (trimmed).
        func add(_ name: String, _ extra: [String], expect: Int32? = nil, verbatim: [PledgeField: String] = [:], base: [String]? = nil) {
            // Leave out a base option the case itself gives, so the hostile value is the only one.
            var given = base ?? ["--ministerial", "BERLIN_2025", "--area", "MEDICAL", "--modality", "POLICY"]
            for index in stride(from: given.count - 2, through: 0, by: -2) where extra.contains(given[index]) && given[index] != "--mission" {
                given.removeSubrange(index...index + 1)
            }
            let arguments = ["add", "--db", path] + given + extra
            guard let outcome = run(name, arguments, expect: expect), outcome.status == 0 else { return }
            verify(name, id: outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines), verbatim: verbatim)
        }

        func verify(_ name: String, id: String, verbatim: [PledgeField: String]) {
            guard let record = try? NodeStore(path: path).pledge(id) else { problems.append("\(name): exit 0 but pledge '\(id.prefix(80))' is not in the store"); return }
            for (field, text) in verbatim where record.pledge[field] != .text(text.trimmingWhitespace()) {
                problems.append("\(name): \(field.rawValue) stored as \(record.pledge[field]), not verbatim \(text.debugDescription.prefix(120))")
            }
        }

        /// Runs `pledge` through /bin/sh so arguments can carry bytes that are not UTF-8.
        func runRaw(_ name: String, script: String, allowed: Set<Int32> = [0, 64]) {
            tried += 1
            let before = counts()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script, PledgeBinary.url.path, path]
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            do { try process.run() } catch { problems.append("\(name): cannot start sh"); return }
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            check(name, PledgeBinary.Outcome(status: status, stdout: "", stderr: stderr), before: before, allowed: allowed, expect: nil)
        }
    }

    @Test func hostileArgumentsExit64OrAreStoredVerbatim() throws {
        let node = try Node()
        // Titles.
        node.add("title of 201 characters", ["--title", String(repeating: "x", count: 201)], expect: 64)
        let emoji = String(repeating: "👩🏽‍⚕️", count: 200)
        node.add("title of 200 emoji", ["--title", emoji], expect: 0, verbatim: [.title: emoji])
        node.add("title of 100,000 characters", ["--title", String(repeating: "long ", count: 20_000)], expect: 64)
        for title in ["'); DROP TABLE pledge; --", "\" OR 1=1 --", "\u{1}\u{7}\u{1B}[31mred\u{1B}[0m", "\u{202E}override", "line\nbreak",
                      "%s%n%x", "$(rm -rf /)", "`id`", "../../etc/passwd", "=HYPERLINK(\"http://x\")", "\u{FEFF}bom", "e\u{301}\u{301}\u{301}",
                      "\\u0000", "{\"title\":1}"] {
            node.add("title \(title.debugDescription)", ["--title", title], expect: 0, verbatim: [.title: title])
        }
        node.add("blank title", ["--title", "   \t  "], expect: 64)
        node.add("missing title value", ["--title"], expect: 64)
        node.add("title that looks like an option", ["--title", "--personnel"], expect: 64)
        // Numbers.
        for (option, value) in [("--personnel", "-1"), ("--personnel", "99999999999999999999"), ("--personnel", "1e3"), ("--personnel", "1.5"),
                                ("--personnel", "0x10"), ("--personnel", "NaN"), ("--personnel", "10000001"), ("--unit-count", "-5"),
                                ("--courses", "-9223372036854775808"), ("--participants", "9223372036854775808"), ("--women", "٣")] {
            node.add("\(option) \(value)", ["--title", "Numbers", option, value], expect: 64)
        }
        node.add("women over personnel", ["--title", "W", "--personnel", "3", "--women", "5"], expect: 64)
        let financial = ["--ministerial", "BERLIN_2025", "--area", "OTHER", "--modality", "FINANCIAL", "--currency", "USD", "--title", "Funds"]
        for amount in ["1e309", "-5", "0", "0.001", "1,000.00", "NaN", "Infinity", "1500000.00.00", "9999999999999999.00", "１２３", " "] {
            node.add("--amount \(amount.debugDescription)", ["--amount", amount], expect: 64, base: financial)
        }
        node.add("a valid amount", ["--amount", "1500000.00"], expect: 0, verbatim: [.amount: "1500000.00"], base: financial)
        node.add("unknown currency", ["--amount", "10.00", "--currency", "US$"], expect: 64, base: financial.filter { $0 != "USD" && $0 != "--currency" })
        // Codes, dates, lists, ownership.
        for (option, value) in [("--ministerial", "' OR 1=1 --"), ("--area", "../../etc"), ("--modality", ""), ("--from", "2025-02-30"),
                                ("--from", "99999-01-01"), ("--until", "2025-13-01"), ("--mission", "MINUSMA"), ("--partner", "KOR"),
                                ("--partner", "XXX"), ("--secondary-area", "MEDICAL"), ("--delegation", "GHA"), ("--pcrs-level", "LEVEL_1"),
                                ("--status", "REGISTERED"), ("--ref", "two\nlines"), ("--ref", String(repeating: "R", count: 65))] {
            node.add("\(option) \(value.debugDescription)", ["--title", "Codes", option, value], expect: 64)
        }
        node.add("ANY with a named mission", ["--title", "M", "--mission", "ANY", "--mission", "UNMISS"], expect: 64)
        node.add("until before from", ["--title", "D", "--from", "2025-06-01", "--until", "2025-05-01"], expect: 64)
        node.add("unknown option", ["--title", "U", "--salary", "5"], expect: 64)
        node.add("500 repeated --mission options", ["--title", "Many"] + Array(repeating: ["--mission", "UNMISS"], count: 500).flatMap { $0 })
        // Other commands with hostile keys.
        for key in ["' OR 1=1 --", "%", "", "../../etc/passwd", "*", String(repeating: "f", count: 10_000)] {
            node.run("edit \(key.prefix(30).debugDescription)", ["edit", "--db", node.path, key, "--title", "x"], expect: 64)
            node.run("show \(key.prefix(30).debugDescription)", ["show", "--db", node.path, key], expect: 64)
            node.run("withdraw \(key.prefix(30).debugDescription)", ["withdraw", "--db", node.path, key], expect: 64)
            node.run("resolve \(key.prefix(30).debugDescription)", ["resolve", "--db", node.path, key, "--take", "1"], expect: 64)
        }
        node.run("resolve with both --take and --value", ["resolve", "--db", node.path, "x", "--take", "1", "--value", "y"], expect: 64)
        node.run("resolve --take -1", ["resolve", "--db", node.path, "x", "--take", "-1"], expect: 64)
        node.run("edit --clear of an unknown field", ["edit", "--db", node.path, "x", "--clear", "'; DROP TABLE pledge"], expect: 64)
        node.run("list with SQL in a filter", ["list", "--db", node.path, "--status", "'; DROP TABLE pledge; --", "--json"], expect: 0)
        node.run("export in an unknown format", ["export", "--db", node.path, "--format", "xml"], expect: 64)
        node.run("report by nothing", ["report", "--db", node.path, "--by", "nothing"], expect: 64)
        node.run("sync with an overflowing --attempts", ["sync", "--db", node.path, "--attempts", "99999999999999999999"], expect: 64)
        node.run("init again", ["init", "--db", node.path, "--delegation", "GHA"], allowed: [1, 64])
        node.run("init an unknown delegation", ["init", "--db", node.directory.path("x.sqlite"), "--delegation", "'; --"], expect: 64)
        // Bytes that are not UTF-8, through the shell.
        node.runRaw("title of invalid UTF-8", script: #"exec "$0" add --db "$1" --ministerial BERLIN_2025 --area MEDICAL --modality POLICY --title "$(printf '\377\376\300')""#)
        node.runRaw("mission of invalid UTF-8", script: #"exec "$0" add --db "$1" --ministerial BERLIN_2025 --area MEDICAL --modality POLICY --title T --mission "$(printf '\377')""#)
        node.runRaw("edit key of invalid UTF-8", script: #"exec "$0" edit --db "$1" "$(printf '\377\376')" --title x"#, allowed: [64])

        Figures.report("hostile-cli-arguments", ["inputs": node.tried, "problems": node.problems.count])
        #expect(node.problems.isEmpty, Comment(rawValue: "\(node.problems.count) problem(s) in \(node.tried) hostile commands:\n" + node.problems.prefix(40).joined(separator: "\n")))
    }

    @Test func hostileCSVFilesAreRejectedWholeOrStoredVerbatim() throws {
        let node = try Node()
        let header = "title,ministerial,area,modality"
        func importing(_ name: String, _ data: Data, expect: Int32? = nil, verbatimTitles: [String] = []) {
            let file = node.directory.path("import-\(node.tried).csv")
            _ = FileManager.default.createFile(atPath: file, contents: data)
            let before = node.counts()
            guard let outcome = node.run(name, ["import", "--db", node.path, file], expect: expect), outcome.status == 0 else { return }
            let titles = Set(((try? NodeStore(path: node.path).pledges()) ?? []).map(\.pledge.title))
            for title in verbatimTitles where !titles.contains(title.trimmingWhitespace()) {
                node.problems.append("\(name): title \(title.debugDescription.prefix(80)) not stored verbatim")
            }
            if (node.counts()["pledge"] ?? 0) - (before["pledge"] ?? 0) > verbatimTitles.count {
                node.problems.append("\(name): more pledges imported than rows given")
            }
        }
        func csv(_ text: String) -> Data { Data(text.utf8) }
        let row = "A title,BERLIN_2025,MEDICAL,POLICY"

        importing("unclosed quote", csv("\(header)\n\"Unclosed,BERLIN_2025,MEDICAL,POLICY\n\(row)\n"), expect: 64)
        importing("quote in the middle of a cell", csv("\(header)\nab\"cd,BERLIN_2025,MEDICAL,POLICY\n"), verbatimTitles: ["ab\"cd"])
        importing("invalid UTF-8", csv("\(header)\n") + Data([0xFF, 0xFE, 0xC0, 0x2C]) + csv(",BERLIN_2025,MEDICAL,POLICY\n"), expect: 64)
        importing("UTF-16 file", Data([0xFF, 0xFE]) + "\(header)\n\(row)\n".data(using: .utf16LittleEndian)!, expect: 64)
        importing("10,000 unknown columns", csv(header + "," + (0..<10_000).map { "c\($0)" }.joined(separator: ",") + "\n" + row + String(repeating: ",x", count: 10_000) + "\n"), expect: 64)
        importing("a row of 10,000 cells", csv("\(header)\n\(row)" + String(repeating: ",x", count: 10_000) + "\n"), expect: 64)
        importing("10,000 title columns", csv((0..<10_000).map { _ in "title" }.joined(separator: ",") + "\n" + (0..<10_000).map { "t\($0)" }.joined(separator: ",") + "\n"), expect: 64)
        importing("a title of 1,000,000 characters", csv("\(header)\n\(String(repeating: "x", count: 1_000_000)),BERLIN_2025,MEDICAL,POLICY\n"), expect: 64)
        importing("NUL in a cell", csv("\(header)\nA\u{0}B,BERLIN_2025,MEDICAL,POLICY\n"), expect: 64)
        importing("empty file", Data(), expect: 64)
        importing("only a byte-order mark", Data([0xEF, 0xBB, 0xBF]), expect: 64)
        importing("no title column", csv("ministerial,area\nBERLIN_2025,MEDICAL\n"), expect: 64)
        importing("SQL in the id column", csv("id,\(header)\n'; DROP TABLE pledge; --,\(row)\n"), expect: 64)
        importing("negative personnel", csv("\(header),personnel\n\(row),-1\n"), expect: 64)
        importing("overflowing personnel", csv("\(header),personnel\n\(row),99999999999999999999\n"), expect: 64)
        importing("amount 1e309", csv("title,ministerial,area,modality,amount,currency\nF,BERLIN_2025,OTHER,FINANCIAL,1e309,USD\n"), expect: 64)
        importing("one bad row among good ones", csv("\(header)\n" + (0..<50).map { "Good \($0),BERLIN_2025,MEDICAL,POLICY" }.joined(separator: "\n") + "\nBad,NOWHERE_2099,MEDICAL,POLICY\n"), expect: 64)
        var noise = SeededRandom(seed: 42)
        importing("binary noise", Data((0..<20_000).map { _ in UInt8(noise.below(256)) }), expect: 64)
        importing("deeply quoted cell", csv("\(header)\n\"" + String(repeating: "\"\"", count: 50_000) + "\",BERLIN_2025,MEDICAL,POLICY\n"), expect: 64)
        let hostileTitles = ["'); DROP TABLE pledge; --", "=HYPERLINK(\"http://example.invalid\")", "+cmd|' /C calc'!A0", "@SUM(1)", "multi\nline", "tab\there", "😀 한국 العربية"]
        let rows = hostileTitles.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\",BERLIN_2025,MEDICAL,POLICY" }
        importing("hostile but valid titles", csv("\(header)\r\n" + rows.joined(separator: "\r\n") + "\r\n"), expect: 0, verbatimTitles: hostileTitles)
        node.run("import of a missing file", ["import", "--db", node.path, node.directory.path("missing.csv")], expect: 64)
        node.run("import of a directory", ["import", "--db", node.path, node.directory.url.path], expect: 64)

        Figures.report("hostile-cli-csv", ["inputs": node.tried, "problems": node.problems.count])
        #expect(node.problems.isEmpty, Comment(rawValue: "\(node.problems.count) problem(s) in \(node.tried) hostile CSV imports:\n" + node.problems.prefix(40).joined(separator: "\n")))
    }
}
