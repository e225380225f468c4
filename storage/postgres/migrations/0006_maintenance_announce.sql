-- Maintenance windows are announced when they start and when they end,
-- each once (schema 6): the transaction that writes an announcement sets
-- the column first, and only while it is NULL. Times are Unix microseconds.
ALTER TABLE maintenance_windows ADD COLUMN start_announced_at BIGINT;
ALTER TABLE maintenance_windows ADD COLUMN end_announced_at BIGINT;

-- Windows stored before: those that were active at creation, or are over
-- now, were announced already (or are of no interest any more).
UPDATE maintenance_windows SET start_announced_at = created_at
	WHERE starts_at <= created_at OR ended_at IS NOT NULL
	OR ends_at <= CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT);
UPDATE maintenance_windows SET end_announced_at = COALESCE(ended_at, ends_at)
	WHERE ended_at IS NOT NULL OR ends_at <= CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT);

-- The scheduler's query: windows not yet announced, by start or end.
CREATE INDEX maintenance_windows_start_due ON maintenance_windows (starts_at) WHERE start_announced_at IS NULL;
CREATE INDEX maintenance_windows_end_due ON maintenance_windows (ends_at) WHERE end_announced_at IS NULL;
