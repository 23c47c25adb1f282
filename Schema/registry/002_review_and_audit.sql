-- Review references and the tamper-evident audit chain.

-- Next number per registry-reference prefix (`PKM-2025-KOR-`): numbers are never reused.
CREATE TABLE registry_ref_counter (
    prefix TEXT PRIMARY KEY NOT NULL,
    next   INTEGER NOT NULL
);

-- Each change-log entry commits to the previous one: hash = SHA-256 of the entry's fields, each
-- length-prefixed and joined with '|' (AuditEntry.computedHash), prev_hash included. Changing any byte of any entry breaks the chain from there on.
ALTER TABLE change_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE change_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
