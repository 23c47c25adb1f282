/// A pull page as the registry sends it: each pledge's fields are the canonical JSON the registry
/// stores, spliced into the page without being decoded and encoded again.
///
/// Decoding the stored fields and encoding them back was about 85% of the registry's CPU per
/// pulled pledge (docs/performance.md). The bytes are those of the equivalent `PullPage`
/// (`CanonicalJSONTests` checks it), so nodes read it as a `PullPage`.
public struct EncodedPullPage: CanonicalJSONWritable, Sendable {
    /// One pledge of the page.
    public struct Entry: Sendable {
        /// The pledge id.
        public var id: String
        /// Its fields as canonical JSON `{field: {"value": …, "version": n}}`, as stored.
        public var fieldsJSON: String
        /// Its conflicts, open and resolved, oldest first.
        public var conflicts: [ConflictRecord]

        /// Creates an entry.
        public init(id: String, fieldsJSON: String, conflicts: [ConflictRecord]) {
            self.id = id
            self.fieldsJSON = fieldsJSON
            self.conflicts = conflicts
        }
    }

    /// Pledges changed after the cursor, in registry order.
    public var pledges: [Entry]
    /// Opaque cursor to send next.
    public var cursor: String
    /// Whether more pages follow.
    public var hasMore: Bool
    /// Pledges that left the caller's scope after the cursor; nil when none did.
    public var left: [String]?

    /// Creates a page.
    public init(pledges: [Entry], cursor: String, hasMore: Bool, left: [String]? = nil) {
        self.pledges = pledges
        self.cursor = cursor
        self.hasMore = hasMore
        self.left = left
    }

    /// The same page decoded, as a node reads it.
    public func decoded() throws -> PullPage {
        PullPage(pledges: try pledges.map { entry in
            PledgeState(id: entry.id, fields: try CanonicalJSON.decode(FieldDictionary<VersionedValue>.self, from: entry.fieldsJSON),
                        conflicts: entry.conflicts)
        }, cursor: cursor, hasMore: hasMore, left: left)
    }

    public func writeJSON(to writer: inout JSONWriter) {
        // Keys in sorted order, as `PullPage` and `PledgeState` write them.
        writer.object { writer in
            writer.member("cursor") { writer in writer.string(cursor) }
            writer.member("hasMore") { writer in writer.boolean(hasMore) }
            writer.member("left", ifPresent: left) { writer, left in writer.strings(left) }
            writer.member("pledges") { writer in
                writer.array(pledges) { writer, entry in
                    writer.object { writer in
                        writer.member("conflicts") { writer in writer.value(entry.conflicts) }
                        writer.member("fields") { writer in writer.raw(entry.fieldsJSON) }
                        writer.member("id") { writer in writer.string(entry.id) }
                    }
                }
            }
        }
    }
}
