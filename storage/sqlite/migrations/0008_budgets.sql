-- Budgets shared by every replica (schema 8): one row per bucket of an
-- outside service's limits, or per integration held after its credentials
-- were refused. Rows are read and written one at a time, under the row's
-- lock. Times are Unix microseconds; durations microseconds.
--   paused_until  a 429's pause: nothing goes to the bucket before it
--   tat           pacing: when the bucket's next slot is due (its
--                 theoretical arrival time); a burst may run ahead of it
--   held_since    the integration is held since then; NULL when it is not
--   reason        why it is held
--   probe_at      when the held integration is next probed
--   backoff       the wait between probes, doubled after each failed one
CREATE TABLE budgets (
	bucket       TEXT PRIMARY KEY,
	paused_until BIGINT NOT NULL DEFAULT 0,
	tat          BIGINT NOT NULL DEFAULT 0,
	held_since   BIGINT,
	reason       TEXT NOT NULL DEFAULT '',
	probe_at     BIGINT NOT NULL DEFAULT 0,
	backoff      BIGINT NOT NULL DEFAULT 0
);
