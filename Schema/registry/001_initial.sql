-- The central registry: pledges with per-field versions, the append-only change log,
-- conflicts, idempotency records and tokens.

-- Counters: `seq` is the registry's global sequence; every accepted change takes the next number.
CREATE TABLE registry_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
);
INSERT INTO registry_meta(key, value) VALUES ('seq', 0);

-- Bearer tokens, stored as SHA-256 hashes only; a delegation token's scope is its delegation.
CREATE TABLE token (
    id         TEXT PRIMARY KEY NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    delegation TEXT,            -- NULL: Secretariat
    device     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Every pledge with its fields as JSON {field: {"value": …, "version": n}}.
-- updated_seq moves whenever anything about the pledge changes (fields or conflicts), which is
-- what pull pages by.
CREATE TABLE pledge (
    id          TEXT PRIMARY KEY NOT NULL,
    delegation  TEXT NOT NULL,
    fields      TEXT NOT NULL,
    updated_seq INTEGER NOT NULL
);
CREATE INDEX pledge_updated ON pledge(updated_seq);
CREATE INDEX pledge_delegation_updated ON pledge(delegation, updated_seq);

-- Partners of joint pledges, so a partner's pull finds them.
CREATE TABLE pledge_partner (
    delegation TEXT NOT NULL,
    pledge_id  TEXT NOT NULL,
    PRIMARY KEY (delegation, pledge_id)
) WITHOUT ROWID;

-- Each change ever received, by node-minted id: the hash of its content and the answer given,
-- so a replay returns the recorded answer and changes nothing.
CREATE TABLE received_change (
    change_id    TEXT PRIMARY KEY NOT NULL,
    content_hash TEXT NOT NULL,
    pledge_id    TEXT NOT NULL,
    actor        TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    result       TEXT NOT NULL
);

-- What each received change did to each field: the version it produced, or the conflict it joined.
-- A later change whose base is "that change" is read through this table.
CREATE TABLE change_field (
    change_id   TEXT NOT NULL,
    field       TEXT NOT NULL,
    version     INTEGER,
    conflict_id TEXT,
    PRIMARY KEY (change_id, field)
) WITHOUT ROWID;

-- Conflicts: concurrent edits of one field, kept with every candidate until resolved.
CREATE TABLE conflict (
    id         TEXT PRIMARY KEY NOT NULL,
    pledge_id  TEXT NOT NULL,
    field      TEXT NOT NULL,
    state      TEXT NOT NULL,
    record     TEXT NOT NULL,
    opened_seq INTEGER NOT NULL
);
CREATE INDEX conflict_pledge ON conflict(pledge_id, state);

-- Append-only history: who set each field, when, by which change, and how it was taken.
CREATE TABLE change_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    seq         INTEGER NOT NULL,
    change_id   TEXT NOT NULL,
    pledge_id   TEXT NOT NULL,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    kind        TEXT NOT NULL,   -- applied | candidate | resolution
    actor       TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX change_log_pledge ON change_log(pledge_id, field);
