-- warroom schema 1 (SQLite). Times are microseconds since the Unix epoch, UTC;
-- maps are JSON text.

CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('incident', 0);

CREATE TABLE incidents (
	number          INTEGER PRIMARY KEY,
	title           TEXT NOT NULL,
	summary         TEXT NOT NULL DEFAULT '',
	impact          TEXT NOT NULL DEFAULT '',
	service         TEXT NOT NULL DEFAULT '',
	source          TEXT NOT NULL,
	severity        INTEGER NOT NULL,
	status          TEXT NOT NULL,
	private         INTEGER NOT NULL DEFAULT 0,
	started_at      INTEGER NOT NULL,
	declared_at     INTEGER NOT NULL,
	acknowledged_at INTEGER,
	mitigated_at    INTEGER,
	resolved_at     INTEGER,
	closed_at       INTEGER,
	updated_at      INTEGER NOT NULL,
	last_update_at  INTEGER,
	roles           TEXT NOT NULL DEFAULT 'null',
	channels        TEXT NOT NULL DEFAULT 'null',
	links           TEXT NOT NULL DEFAULT 'null',
	version         INTEGER NOT NULL
);
-- No index on status: every status change would write one more page per
-- commit, while lists scan newest first and stop at their limit.

CREATE TABLE incident_channels (
	platform TEXT NOT NULL,
	channel  TEXT NOT NULL,
	incident INTEGER NOT NULL REFERENCES incidents (number),
	PRIMARY KEY (platform, channel)
);
CREATE INDEX incident_channels_incident ON incident_channels (incident, platform);

CREATE TABLE timeline (
	id       INTEGER PRIMARY KEY,
	incident INTEGER NOT NULL REFERENCES incidents (number),
	at       INTEGER NOT NULL,
	kind     TEXT NOT NULL,
	actor    TEXT NOT NULL,
	text     TEXT NOT NULL,
	data     TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX timeline_incident ON timeline (incident, id);

CREATE TABLE audit (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	actor    TEXT NOT NULL,
	action   TEXT NOT NULL,
	incident INTEGER,
	before   TEXT NOT NULL DEFAULT 'null',
	after    TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX audit_incident ON audit (incident, id);

CREATE TABLE action_items (
	id         INTEGER PRIMARY KEY,
	incident   INTEGER NOT NULL REFERENCES incidents (number),
	seq        INTEGER NOT NULL,
	title      TEXT NOT NULL,
	owner      TEXT NOT NULL DEFAULT '',
	due        INTEGER,
	kind       TEXT NOT NULL,
	status     TEXT NOT NULL,
	ticket     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	done_at    INTEGER,
	UNIQUE (incident, seq)
);
CREATE INDEX action_items_owner ON action_items (owner, id);

-- Live jobs only (pending and running): done jobs are deleted, dead ones
-- move to outbox_dead. AUTOINCREMENT: ids are never reused, since posted
-- messages may refer to "job:<id>".
CREATE TABLE outbox (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	kind         TEXT NOT NULL,
	incident     INTEGER,
	payload      TEXT,
	order_key    TEXT,
	coalesce_key TEXT,
	status       TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_at      INTEGER NOT NULL,
	last_error   TEXT NOT NULL DEFAULT '',
	lease_owner  TEXT,
	lease_until  INTEGER,
	created_at   INTEGER NOT NULL
);
-- At most one pending job per coalesce key; jobs without a key never meet.
CREATE UNIQUE INDEX outbox_coalesce ON outbox (coalesce_key) WHERE status = 'pending' AND coalesce_key IS NOT NULL;

CREATE TABLE outbox_dead (
	id           INTEGER PRIMARY KEY,
	kind         TEXT NOT NULL,
	incident     INTEGER,
	payload      TEXT,
	order_key    TEXT,
	coalesce_key TEXT,
	status       TEXT NOT NULL,
	attempts     INTEGER NOT NULL,
	next_at      INTEGER NOT NULL,
	last_error   TEXT NOT NULL,
	lease_owner  TEXT,
	lease_until  INTEGER,
	created_at   INTEGER NOT NULL
);

CREATE TABLE messages (
	id          INTEGER PRIMARY KEY,
	platform    TEXT NOT NULL,
	channel     TEXT NOT NULL,
	ref         TEXT NOT NULL,
	external_id TEXT NOT NULL DEFAULT '',
	incident    INTEGER,
	body        TEXT,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	UNIQUE (platform, ref)
);
CREATE INDEX messages_channel ON messages (platform, channel, id);
