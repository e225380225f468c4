-- Problem management (schema 21): problem records PRB-<n>, the incidents
-- linked to them, and their action items, which outlive every incident.

INSERT INTO counters (name, value) VALUES ('problem', 0);

CREATE TABLE problems (
	number      INTEGER PRIMARY KEY,
	title       TEXT NOT NULL,
	status      TEXT NOT NULL,
	root_cause  TEXT NOT NULL DEFAULT '',
	workaround  TEXT NOT NULL DEFAULT '',
	owner       TEXT NOT NULL DEFAULT '',
	created_by  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	resolved_at INTEGER,
	closed_at   INTEGER,
	version     INTEGER NOT NULL DEFAULT 1,
	links       TEXT NOT NULL DEFAULT 'null' -- the records in ticket systems, JSON
);

CREATE TABLE problem_incidents (
	problem   INTEGER NOT NULL REFERENCES problems (number),
	incident  INTEGER NOT NULL REFERENCES incidents (number),
	linked_at INTEGER NOT NULL,
	linked_by TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (problem, incident)
);
CREATE INDEX problem_incidents_incident ON problem_incidents (incident, problem);

CREATE TABLE problem_actions (
	id         INTEGER PRIMARY KEY,
	problem    INTEGER NOT NULL REFERENCES problems (number),
	seq        INTEGER NOT NULL,
	title      TEXT NOT NULL,
	owner      TEXT NOT NULL DEFAULT '',
	due        INTEGER,
	kind       TEXT NOT NULL,
	status     TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	done_at    INTEGER,
	UNIQUE (problem, seq)
);
CREATE INDEX problem_actions_owner ON problem_actions (owner, id);
