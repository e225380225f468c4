-- Alerts, alert groups and maintenance windows (schema 3). Times are
-- microseconds since the Unix epoch, UTC; maps are JSON text.

-- An alert is identified by (source, fingerprint, starts_at): the unique
-- key is the deduplication, so a redelivery or an HA twin is never stored
-- twice. group_key is the routed group; incident is NULL for alerts that
-- were only recorded, window_id names the maintenance window that
-- suppressed it.
CREATE TABLE alerts (
	id          INTEGER PRIMARY KEY,
	source      TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	starts_at   BIGINT NOT NULL,
	group_key   TEXT NOT NULL,
	status      TEXT NOT NULL,
	title       TEXT NOT NULL DEFAULT '',
	labels      TEXT NOT NULL DEFAULT 'null',
	annotations TEXT NOT NULL DEFAULT 'null',
	ends_at     BIGINT,
	url         TEXT NOT NULL DEFAULT '',
	incident    BIGINT REFERENCES incidents (number),
	window_id   BIGINT,
	received_at BIGINT NOT NULL,
	UNIQUE (source, fingerprint, starts_at)
);
CREATE INDEX alerts_incident ON alerts (incident, id) WHERE incident IS NOT NULL;
CREATE INDEX alerts_window ON alerts (window_id, id) WHERE window_id IS NOT NULL;

-- A group's current incident: one incident per open group.
CREATE TABLE alert_groups (
	group_key  TEXT PRIMARY KEY,
	incident   BIGINT NOT NULL REFERENCES incidents (number),
	updated_at BIGINT NOT NULL
);

-- Maintenance windows, kept after they end so that SLA figures can leave
-- them out. name is set (and unique) for windows from the configuration
-- file; ended_at when a person ended one early.
CREATE TABLE maintenance_windows (
	id         INTEGER PRIMARY KEY,
	name       TEXT,
	matchers   TEXT NOT NULL,
	starts_at  BIGINT NOT NULL,
	ends_at    BIGINT NOT NULL,
	ended_at   BIGINT,
	created_by TEXT NOT NULL DEFAULT '',
	comment    TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	suppressed BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX maintenance_windows_name ON maintenance_windows (name) WHERE name IS NOT NULL;
CREATE INDEX maintenance_windows_ends ON maintenance_windows (ends_at);

-- The card shows how many alerts an incident has and how many still fire.
ALTER TABLE incidents ADD COLUMN alerts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN alerts_firing BIGINT NOT NULL DEFAULT 0;
