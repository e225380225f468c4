-- Timers: "at due_at, do kind level level to the incident" (escalations,
-- later reminders). (incident, kind, level) is unique, so each level fires
-- at most once; a restart neither loses nor repeats one. Times are
-- microseconds since the Unix epoch; a timer is pending while fired_at and
-- canceled_at are both NULL.
CREATE TABLE timers (
	id          INTEGER PRIMARY KEY,
	incident    BIGINT NOT NULL REFERENCES incidents (number),
	kind        TEXT NOT NULL,
	level       INTEGER NOT NULL,
	due_at      BIGINT NOT NULL,
	fired_at    BIGINT,
	canceled_at BIGINT,
	created_at  BIGINT NOT NULL,
	UNIQUE (incident, kind, level)
);
CREATE INDEX timers_pending ON timers (due_at) WHERE fired_at IS NULL AND canceled_at IS NULL;
