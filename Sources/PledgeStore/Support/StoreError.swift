import PledgeModel

/// Why a store operation was refused; each case says what the user can do.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The store has not been set up with `pledge init`.
    case notInitialized(path: String)
    /// `pledge init` was run on a store that already has an identity.
    case alreadyInitialized(String)
    /// No pledge matches the id, id prefix or reference.
    case pledgeNotFound(String)
    /// Several pledges match a prefix.
    case ambiguousPledge(String, matches: [String])
    /// No open conflict has this id.
    case conflictNotFound(String)
    /// The input breaks the pledge rules.
    case invalid(ValidationFailure)
    /// This node may not make the change (wrong delegation, Secretariat-owned field, …).
    case forbidden([Rejection])
    /// A CSV file could not be imported; nothing was written.
    case importFailed([ImportRowError])

    public var description: String {
        switch self {
        case .notInitialized(let path):
            return "the store \(path) is not set up: run `pledge init --db \(path) --delegation CODE` (or --secretariat) first"
        case .alreadyInitialized(let who):
            return "the store is already set up for \(who); use another --db path for another node"
        case .pledgeNotFound(let key):
            return "no pledge matches '\(key)' (give its id, an id prefix or its reference; `pledge list` shows them)"
        case .ambiguousPledge(let key, let matches):
            return "'\(key)' matches several pledges (\(matches.prefix(5).joined(separator: ", "))): give more of the id"
        case .conflictNotFound(let id):
            return "no open conflict has id '\(id)' (`pledge conflicts` lists them)"
        case .invalid(let failure):
            return failure.issues.map(\.message).joined(separator: "\n")
        case .forbidden(let reasons):
            return reasons.map(\.message).joined(separator: "\n")
        case .importFailed(let rows):
            return (rows.prefix(20).map(\.description) + (rows.count > 20 ? ["… and \(rows.count - 20) more rows"] : []))
                .joined(separator: "\n") + "\nnothing was imported"
        }
    }
}

/// A CSV row that could not be imported, by line number in the file.
public struct ImportRowError: Error, Sendable, CustomStringConvertible {
    /// 1-based line in the file (the header is line 1).
    public let line: Int
    /// Every problem found on that row.
    public let issues: [String]

    /// Creates a row error.
    public init(line: Int, issues: [String]) {
        self.line = line
        self.issues = issues
    }

    public var description: String { "line \(line): " + issues.joined(separator: "; ") }
}
