import GRDB
import PledgeModel

extension SQLiteRegistry {
    public func pull(after cursor: String, limit: Int, for caller: Caller) async throws -> EncodedPullPage {
        let after = try PullCursor.decode(cursor)
        // One read transaction: the page is a consistent snapshot.
        return try shortRead { db in try Self.page(db, after: after, limit: limit, for: caller.principal) }
    }

    public func pull(after cursor: String, limit: Int, bearer token: String) async throws -> EncodedPullPage? {
        guard let id = TokenFactory.tokenId(of: token) else { return nil }
        let hash = TokenFactory.hash(token)
        // The token and the page in one trip to the database: each trip costs a thread hop and a
        // transaction, about as much as a whole no-op pull's queries (docs/performance.md).
        return try shortRead { db in
            // The token first: an unknown token gets its 401 whatever else is wrong.
            guard let caller = try Self.caller(db, tokenId: id, hash: hash) else { return nil }
            return try Self.page(db, after: try PullCursor.decode(cursor), limit: limit, for: caller.principal)
        }
    }

    /// The page after sequence `after` in the scope of `principal`, read in the caller's transaction.
    private static func page(_ db: Database, after: Int, limit: Int, for principal: Principal) throws -> EncodedPullPage {
        let pageSize = max(1, min(limit, maximumPageSize))
        // A cursor past the registry's sequence comes from another registry (or a restored
        // backup): answering from it would silently skip changes.
        let sequence = try Int.fetchOne(db.cachedStatement(sql: "SELECT value FROM registry_meta WHERE key = 'seq'")) ?? 0
        guard after <= sequence else { throw RegistryError.invalidCursor(PullCursor.encode(after)) }
        let rows: [Row]
        var exits: [Row] = []
        switch principal {
        case .secretariat:
            rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, fields, updated_seq FROM pledge WHERE updated_seq > ? ORDER BY updated_seq LIMIT ?"),
                                    arguments: [after, pageSize + 1])
        case .delegation(let code):
            // Its own pledges and those it partners on, each half read in order and cut at the page
            // size, then merged. Written as one OR, SQLite gathered every pledge of the scope after
            // the cursor and sorted them for each page: a 100,000-pledge pull read the delegation's
            // rows 200 times over (docs/performance.md). The partner half reads the copy of each
            // pledge's sequence in pledge_partner, so it starts at the cursor too.
            rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, fields, updated_seq FROM (
                    SELECT id, fields, updated_seq FROM pledge WHERE delegation = ?2 AND updated_seq > ?1 ORDER BY updated_seq LIMIT ?3)
                UNION
                SELECT id, fields, updated_seq FROM (
                    SELECT pledge.id, pledge.fields, pledge.updated_seq FROM pledge_partner JOIN pledge ON pledge.id = pledge_partner.pledge_id
                    WHERE pledge_partner.delegation = ?2 AND pledge_partner.updated_seq > ?1 ORDER BY pledge_partner.updated_seq LIMIT ?3)
                ORDER BY updated_seq LIMIT ?3
                """), arguments: [after, code, pageSize + 1])
            // Joint pledges that stopped naming it, in the same sequence order.
            exits = try Row.fetchAll(db.cachedStatement(sql: "SELECT pledge_id, seq FROM scope_exit WHERE delegation = ? AND seq > ? ORDER BY seq LIMIT ?"),
                                     arguments: [code, after, pageSize + 1])
        }
        // Pledges and exits in one sequence order, cut at the page size; each has its own sequence number.
        let items = (rows.map { (seq: $0["updated_seq"] as Int, pledge: Optional($0), exit: String?.none) }
                     + exits.map { (seq: $0["seq"] as Int, pledge: Row?.none, exit: Optional($0["pledge_id"] as String)) })
            .sorted { $0.seq < $1.seq }
        let page = items.prefix(pageSize)
        let pageRows = page.compactMap(\.pledge)
        let left = page.compactMap(\.exit)
        let conflicts = try conflicts(db, pledges: pageRows.map { $0["id"] as String })
        // The stored fields are already the wire's canonical JSON: spliced in, not decoded.
        let pledges = pageRows.map { row -> EncodedPullPage.Entry in
            let id: String = row["id"]
            return EncodedPullPage.Entry(id: id, fieldsJSON: row["fields"], conflicts: conflicts[id] ?? [])
        }
        let last = page.last?.seq ?? after
        return EncodedPullPage(pledges: pledges, cursor: PullCursor.encode(last), hasMore: items.count > pageSize,
                               left: left.isEmpty ? nil : left)
    }
}

extension SQLiteRegistry {
    public func pledge(id: String, for caller: Caller) async throws -> PledgeState? {
        try shortRead { db in
            guard let fields = try Self.fetchFields(db, pledge: id) else { return nil }
            let state = PledgeState(id: id, fields: fields, conflicts: try Self.conflicts(db, pledge: id))
            guard caller.principal.canRead(state.pledge) else { throw RegistryError.outOfScope(id) }
            return state
        }
    }
}

/// The pull cursor: opaque to nodes, a registry sequence number inside.
enum PullCursor {
    static func encode(_ sequence: Int) -> String { "s\(sequence)" }

    static func decode(_ text: String) throws -> Int {
        if text.isEmpty { return 0 }
        guard text.hasPrefix("s"), let sequence = Int(text.dropFirst()), sequence >= 0 else {
            throw RegistryError.invalidCursor(text)
        }
        return sequence
    }
}
