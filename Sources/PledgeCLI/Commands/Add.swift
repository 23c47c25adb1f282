import ArgumentParser
import PledgeModel
import PledgeStore

extension PledgeCommand {
    /// `pledge add`: records a new pledge offline and prints its id.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a new pledge (offline); prints its id.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var fields: PledgeFieldOptions
        @Option(help: "The pledging delegation (Secretariat nodes only; a delegation node pledges for itself).") var delegation: String?

        func run() throws {
            try reportingErrors {
                let node = try store.openInitialized()
                var map = try fields.fieldMap()
                if let delegation { map[.delegation] = .text(delegation) }
                let (pledge, warnings) = try node.create(map)
                Console.warn(warnings)
                Console.say("recorded \(pledge.text(.ref) ?? pledge.id) (not yet synced)")
                Console.out(pledge.id)
            }
        }
    }

    /// `pledge edit`: changes fields of a pledge offline.
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change fields of a pledge (offline).")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The pledge's id, id prefix or reference.") var id: String
        @OptionGroup var fields: PledgeFieldOptions
        @Option(name: .customLong("clear"), help: "A field to clear, by name, e.g. description or partners (repeat for several).") var cleared: [String] = []

        func run() throws {
            try reportingErrors {
                let node = try store.openInitialized()
                var map = try fields.fieldMap()
                for name in cleared {
                    guard let field = PledgeField(rawValue: name) else {
                        throw ValidationFailure([ValidationIssue(fieldName: "clear", message: "clear (\(name)) is not a field; fields are \(PledgeField.allCases.map(\.rawValue).joined(separator: ", "))")])
                    }
                    map[field] = .null
                }
                guard !map.isEmpty else { throw ValidationFailure([ValidationIssue(fieldName: "edit", message: "edit needs at least one field option (see `pledge edit --help`)")]) }
                Console.warn(try node.edit(id, setting: map))
                Console.say("edited \(id) (not yet synced)")
            }
        }
    }

    /// `pledge withdraw`: withdraws a pledge; submitted pledges are never deleted.
    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a pledge (it is kept, with status WITHDRAWN).")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The pledge's id, id prefix or reference.") var id: String
        @Option(help: "Why the pledge is withdrawn.") var reason: String?

        func run() throws {
            try reportingErrors {
                try store.openInitialized().withdraw(id, reason: reason)
                Console.say("withdrew \(id) (not yet synced)")
            }
        }
    }
}
