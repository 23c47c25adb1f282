import ArgumentParser
import Foundation
import PledgeModel
import RegistryCore

extension PledgeCommand.Registry {
    /// `pledge registry audit …`: check and export the hash-chained change log.
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify or export the registry's hash-chained change log.",
                                                        subcommands: [Verify.self, Export.self])
    }
}

extension PledgeCommand.Registry.Audit {
    /// `pledge registry audit verify`: recomputes the chain and names the first tampered entry.
    struct Verify: AsyncRunnableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the change log's hash chain; exit 1 naming the first altered entry.",
            discussion: """
                Give the registry database with --db, or an exported log (JSON lines) with --file. The chain shows \
                any entry altered, inserted or removed before the last one; to show entries cut from the end, give \
                the heads nodes were given with --anchor (`pledge status` shows a node's as "registry log head").
                """)

        @Option(help: "The registry's SQLite file.") var db: String?
        @Option(help: "An exported log, as written by `pledge registry audit export`.") var file: String?
        @Option(name: .customLong("anchor"), help: "A log head a node was given, ENTRY:HASH as `pledge status` shows it; the log must still hold it (repeatable).")
        var anchors: [String] = []
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (db != nil) != (file != nil) else { throw ValidationError("give exactly one of --db PATH or --file EXPORT") }
            if let bad = anchors.first(where: { AuditHead($0) == nil }) {
                throw ValidationError("anchor (\(bad.prefix(80))) must be ENTRY:HASH, a positive entry number and 64 lower-case hex digits")
            }
        }

        func execute() async throws {
            let verdict: AuditChain.Verdict
            if let file {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    Console.say("error: file \(file) cannot be read as UTF-8 text")
                    throw ExitStatus.invalidInput
                }
                do {
                    verdict = AuditChain.verify(try AuditExport.entries(fromJSONLines: text), anchors: anchors.compactMap(AuditHead.init))
                } catch RegistryError.badRequest(let message) {
                    Console.say("error: \(file): \(message)")
                    throw ExitStatus.invalidInput
                }
            } else {
                guard FileManager.default.fileExists(atPath: db!) else {
                    Console.say("error: no registry database at \(db!)")
                    throw ExitStatus.invalidInput
                }
                verdict = try await RegistryDatabaseOptions(db: db!).open().verifyAuditLog(anchors: anchors.compactMap(AuditHead.init))
            }
            if output.json { try Console.json(verdict) }
            if let problem = verdict.problem {
                Console.say("audit FAILED after \(verdict.entries) entries: \(problem)")
                throw ExitCode.failure
            }
            Console.say("audit ok: \(verdict.entries) entries, chain intact" + (anchors.isEmpty ? "" : ", every anchor held"))
        }
    }

    /// `pledge registry audit export`: the change log as JSON lines.
    struct Export: AsyncRunnableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the change log as JSON lines (verifiable with `audit verify --file`).")

        @OptionGroup var database: RegistryDatabaseOptions
        @Option(help: "Write to this file instead of stdout.") var output: String?

        func execute() async throws {
            let registry = try database.open()
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil),
                      let file = FileHandle(forWritingAtPath: output) else {
                    Console.say("error: cannot write \(output)")
                    throw ExitCode.failure
                }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            let count = try await registry.exportAuditLog(to: handle)
            Console.say("exported \(count) log entries")
        }
    }
}

extension RegistryDatabaseOptions {
    /// Options pointing at `path`, for commands that take the path in another form.
    init(db: String) {
        self.init()
        self.db = db
    }
}
