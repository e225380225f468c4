-- Delivery lanes and failure budgets (schema 7). Every job carries its
-- target ("slack" of "slack.card"), claimed on that target's own lane;
-- failures are counted apart from claims, since a wait (pacing, a rate
-- limit, a held integration) is not a failure. A running job's next_at is
-- the end of its lease, so one index serves both due and expired claims.
-- Times are Unix microseconds.
ALTER TABLE outbox ADD COLUMN target TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN first_failed_at INTEGER;
UPDATE outbox SET target = substr(kind, 1, instr(kind || '.', '.') - 1);
UPDATE outbox SET next_at = lease_until WHERE status = 'running' AND lease_until IS NOT NULL;

ALTER TABLE outbox_dead ADD COLUMN target TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox_dead ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_dead ADD COLUMN first_failed_at INTEGER;
UPDATE outbox_dead SET target = substr(kind, 1, instr(kind || '.', '.') - 1);

-- The claim walks a lane's jobs by due time and skips a job that has an
-- older live job with its order key (an index probe each).
CREATE INDEX outbox_due ON outbox (target, next_at);
CREATE INDEX outbox_order ON outbox (order_key, id) WHERE order_key IS NOT NULL;
-- A dead job's next_at is when it died (its last lease's end): the janitor
-- purges by it.
CREATE INDEX outbox_dead_next ON outbox_dead (next_at);

-- Due timers are read per kind.
CREATE INDEX timers_kind_due ON timers (kind, due_at) WHERE fired_at IS NULL AND canceled_at IS NULL;
