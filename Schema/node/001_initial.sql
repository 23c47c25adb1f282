-- The delegation node's store: confirmed registry state, pending edits, outbox, conflicts.

-- Who this node is and where it syncs (role, delegation, device, registry URL, token, cursor, …).
CREATE TABLE node_setting (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- One row per pledge the node knows.
--   confirmed: the registry's state, JSON {field: {"value":…, "version":n}}; written only by pull and
--              push replies; NULL while the pledge has never reached the registry.
--   current:   what the user sees, JSON {field: value}: confirmed overlaid with the outbox.
-- delegation, ministerial, area, status are copies of `current` for filtering.
CREATE TABLE pledge (
    id          TEXT PRIMARY KEY NOT NULL,
    delegation  TEXT NOT NULL,
    ministerial TEXT NOT NULL,
    area        TEXT NOT NULL,
    status      TEXT NOT NULL,
    confirmed   TEXT,
    current     TEXT NOT NULL,
    created_seq INTEGER NOT NULL
);
CREATE INDEX pledge_created ON pledge(created_seq);

-- Local edits waiting for the registry, oldest first. A row is sealed when first sent: its seq is at
-- or below the `sealed_through` setting (or, sealed by an earlier version, its body is set), and a
-- retry sends the same bytes. Unsealed rows coalesce further edits of the same pledge.
CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id TEXT NOT NULL UNIQUE,
    pledge_id TEXT NOT NULL,
    fields    TEXT NOT NULL,
    bases     TEXT NOT NULL,
    resolves  TEXT NOT NULL DEFAULT '[]',
    made_at   TEXT NOT NULL,
    body      BLOB,
    sent_at   TEXT
);
CREATE INDEX outbox_pledge ON outbox(pledge_id);

-- Open conflicts in scope, as the registry last described them (JSON ConflictRecord).
CREATE TABLE conflict (
    id        TEXT PRIMARY KEY NOT NULL,
    pledge_id TEXT NOT NULL,
    record    TEXT NOT NULL
);
CREATE INDEX conflict_pledge ON conflict(pledge_id);

-- Every edit made on this node, append-only, for `pledge history`.
CREATE TABLE local_history (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    pledge_id TEXT NOT NULL,
    change_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    field     TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL
);
CREATE INDEX local_history_pledge ON local_history(pledge_id);

-- Changes the registry refused, kept so the user can see why.
CREATE TABLE rejected_change (
    change_id   TEXT PRIMARY KEY NOT NULL,
    pledge_id   TEXT NOT NULL,
    fields      TEXT NOT NULL,
    reasons     TEXT NOT NULL,
    rejected_at TEXT NOT NULL
);
