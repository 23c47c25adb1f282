-- The change log by pledge, in log order.

-- A pledge's history and a new conflict's first candidate read that pledge's entries in log order
-- (`WHERE pledge_id = ? ORDER BY id`). An index on pledge_id alone serves that in order, since each
-- entry of an index carries its row id. The old index also held the entry's field list, about
-- 110 bytes for a creation, which every change wrote and no query used (docs/performance.md, step 29).
DROP INDEX change_log_pledge;
CREATE INDEX change_log_by_pledge ON change_log(pledge_id);
