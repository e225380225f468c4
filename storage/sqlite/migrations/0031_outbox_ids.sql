-- The outbox without AUTOINCREMENT (schema 31): AUTOINCREMENT keeps the
-- highest id given in sqlite_sequence, whose row every enqueue rewrote (a
-- page written per job). Ids must still never be given twice: a posted
-- message refers to its job as "job:<id>", and a job given the id of an
-- earlier one would find that message and never post. A new job's id is
-- one past the highest of the newest live job and counters' 'outbox' row,
-- which a trigger raises only when the newest job is deleted (a sweep that
-- empties the table, a burial, a replayed or superseded job): an enqueue
-- writes no page but its own (storage/internal/sqlstore/outbox.go).
CREATE TABLE outbox_31 (
	id              INTEGER PRIMARY KEY,
	kind            TEXT NOT NULL,
	incident        INTEGER,
	payload         TEXT,
	order_key       TEXT,
	coalesce_key    TEXT,
	status          TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_at         INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	lease_owner     TEXT,
	lease_until     INTEGER,
	created_at      INTEGER NOT NULL,
	target          TEXT NOT NULL DEFAULT '',
	failures        INTEGER NOT NULL DEFAULT 0,
	first_failed_at INTEGER
);
INSERT INTO outbox_31 (id, kind, incident, payload, order_key, coalesce_key, status, attempts, next_at, last_error,
		lease_owner, lease_until, created_at, target, failures, first_failed_at)
	SELECT id, kind, incident, payload, order_key, coalesce_key, status, attempts, next_at, last_error,
		lease_owner, lease_until, created_at, target, failures, first_failed_at FROM outbox ORDER BY id;
INSERT INTO counters (name, value)
	SELECT 'outbox', MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
		COALESCE((SELECT MAX(id) FROM outbox), 0), COALESCE((SELECT MAX(id) FROM outbox_dead), 0));
DROP TABLE outbox;
ALTER TABLE outbox_31 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (target, next_at);
CREATE INDEX outbox_order ON outbox (order_key, id, coalesce_key);
CREATE TRIGGER outbox_newest_gone AFTER DELETE ON outbox
	WHEN NOT EXISTS (SELECT 1 FROM outbox WHERE id > OLD.id)
BEGIN
	UPDATE counters SET value = OLD.id WHERE name = 'outbox' AND value < OLD.id;
END;
