-- Fewer pages written per command (schema 26).
--
-- SQLite writes one page of every B-tree a transaction changes, and an
-- UPDATE changes every index holding a column it sets (or a column of the
-- index's WHERE), whether the value changed or not. An outbox job now
-- moves between no index once enqueued: a claim sets the lease
-- (status, lease_owner, lease_until, attempts) but not next_at, a
-- completion marks the job done, and finished jobs are deleted a batch at
-- a time (storage/internal/sqlstore/outbox.go). The coalesce index no
-- longer depends on the status: it holds every job with a coalesce key,
-- and an enqueue looks for a pending one through it. Rows already there
-- keep their values: a running job's next_at (its lease's end, before)
-- still makes it due when its lease runs out.
DROP INDEX outbox_coalesce;
CREATE INDEX outbox_coalesce ON outbox (coalesce_key) WHERE coalesce_key IS NOT NULL;
