-- Pledges leaving a delegation's scope.

-- A joint pledge that stops naming a partner leaves that partner's scope. The partner's nodes learn
-- it in their next pull (`left` in the page, at the sequence of the change that removed it) and
-- drop their copy, instead of keeping a stale one forever. One row per delegation and pledge: a
-- later removal moves it, naming the partner again deletes it.
CREATE TABLE scope_exit (
    delegation TEXT NOT NULL,
    pledge_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (delegation, pledge_id)
) WITHOUT ROWID;
CREATE INDEX scope_exit_seq ON scope_exit(delegation, seq);
