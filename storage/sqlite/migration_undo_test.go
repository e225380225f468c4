package sqlite_test

// undo holds, per migration, the statements that take a database back to
// the schema before it, for storetest.UndoFrom: a migration that changes
// the schema adds its entry here.
var undo = map[int][]string{
	19: {
		`DROP TRIGGER incidents_fts_insert`, `DROP TRIGGER incidents_fts_update`, `DROP TRIGGER incidents_fts_delete`,
		`DROP TABLE incidents_fts`, `DROP INDEX incidents_private`, `DROP INDEX incidents_unclosed`,
		`ALTER TABLE api_tokens DROP COLUMN last_used_at`,
	},
	20: {`ALTER TABLE incidents DROP COLUMN type`, `ALTER TABLE incidents DROP COLUMN fields`},
	21: {`DROP TABLE problem_actions`, `DROP TABLE problem_incidents`, `DROP TABLE problems`, `DELETE FROM counters WHERE name = 'problem'`},
	22: {`DROP TABLE people`, `ALTER TABLE incidents DROP COLUMN route`},
	23: {}, // packing needs no schema change on SQLite
	25: {
		`DROP TRIGGER incident_marks_entry`, `DROP TRIGGER incident_marks_declared_at`, `DROP TRIGGER incident_marks_gone`,
		`DROP TABLE incident_marks`, `DROP INDEX incidents_severity_number`, `DROP INDEX incidents_severity_status`, `DROP INDEX incidents_source_number`,
	},
	26: {
		`DROP INDEX outbox_coalesce`,
		`CREATE UNIQUE INDEX outbox_coalesce ON outbox (coalesce_key) WHERE status = 'pending' AND coalesce_key IS NOT NULL`,
	},
	27: {}, // new forms of the same columns: no schema change
	28: {`ALTER TABLE alerts DROP COLUMN silence_base`},
	29: {
		`DROP INDEX incidents_severity_number`,
		`CREATE INDEX incidents_severity_number ON incidents (severity, number)`,
		`CREATE INDEX incidents_severity_status ON incidents (severity, status, number)`,
		`CREATE INDEX incidents_open ON incidents (severity, declared_at)
		WHERE status IN ('triggered', 'acknowledged', 'investigating', 'identified', 'monitoring')`,
		`DROP INDEX outbox_order`,
		`CREATE INDEX outbox_order ON outbox (order_key, id) WHERE order_key IS NOT NULL`,
		`CREATE INDEX outbox_coalesce ON outbox (coalesce_key) WHERE coalesce_key IS NOT NULL`,
	},
	30: {
		`CREATE TABLE messages_29 (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, channel TEXT NOT NULL, ref TEXT NOT NULL,
			external_id TEXT NOT NULL DEFAULT '', incident INTEGER, body TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
			UNIQUE (platform, ref))`,
		`INSERT INTO messages_29 SELECT m.id, p.name, c.name, m.ref, m.external_id, m.incident, m.body, m.created_at,
			COALESCE(m.updated_at, m.created_at) FROM messages m JOIN channels c ON c.id = m.channel JOIN platforms p ON p.id = m.platform`,
		`DROP TABLE messages`, `ALTER TABLE messages_29 RENAME TO messages`,
		`CREATE INDEX messages_channel ON messages (platform, channel, id)`,
		`CREATE TABLE incident_channels_29 (platform TEXT NOT NULL, channel TEXT NOT NULL,
			incident INTEGER NOT NULL REFERENCES incidents (number), PRIMARY KEY (platform, channel))`,
		`INSERT INTO incident_channels_29 SELECT p.name, c.name, l.incident FROM incident_channels l
			JOIN channels c ON c.id = l.channel JOIN platforms p ON p.id = c.platform`,
		`DROP TABLE incident_channels`, `ALTER TABLE incident_channels_29 RENAME TO incident_channels`,
		`CREATE INDEX incident_channels_incident ON incident_channels (incident, platform)`,
		`DROP TABLE channels`, `DROP TABLE platforms`,
	},
	33: {
		`DROP INDEX alerts_starts_rule`, `CREATE INDEX alerts_starts_rule ON alerts (starts_at, rule)`,
		`DROP INDEX alerts_incident`, `CREATE INDEX alerts_incident ON alerts (incident, id) WHERE incident IS NOT NULL`,
	},
	31: {
		`CREATE TABLE outbox_30 (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, incident INTEGER, payload TEXT,
			order_key TEXT, coalesce_key TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
			last_error TEXT NOT NULL DEFAULT '', lease_owner TEXT, lease_until INTEGER, created_at INTEGER NOT NULL,
			target TEXT NOT NULL DEFAULT '', failures INTEGER NOT NULL DEFAULT 0, first_failed_at INTEGER)`,
		`INSERT INTO outbox_30 SELECT * FROM outbox`,
		`DELETE FROM sqlite_sequence WHERE name = 'outbox_30'`,
		`INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_30', value FROM counters WHERE name = 'outbox'`,
		`DELETE FROM counters WHERE name = 'outbox'`,
		`DROP TABLE outbox`, `ALTER TABLE outbox_30 RENAME TO outbox`,
		`CREATE INDEX outbox_due ON outbox (target, next_at)`,
		`CREATE INDEX outbox_order ON outbox (order_key, id, coalesce_key)`,
	},
	32: {}, // new forms of the same columns: no schema change
	37: {}, // new forms of the same columns: no schema change
	34: {}, // a PostgreSQL sequence only: no schema change on SQLite
	35: {
		`INSERT INTO audit (id, at, actor, action, incident, before, after)
			SELECT id, at, actor, action, incident, before, after FROM timeline WHERE action IS NOT NULL`,
		`DELETE FROM timeline WHERE action IS NOT NULL AND kind = ''`,
		`ALTER TABLE timeline DROP COLUMN action`, `ALTER TABLE timeline DROP COLUMN before`, `ALTER TABLE timeline DROP COLUMN after`,
		`DELETE FROM counters WHERE name = 'records'`,
	},
	36: {
		`DROP TRIGGER incidents_changed_insert`, `DROP TRIGGER incidents_changed_update`,
		`DELETE FROM counters WHERE name = 'changed'`, `CREATE INDEX incidents_updated ON incidents (updated_at)`,
	},
	39: {
		`UPDATE alerts SET silence_base = (SELECT base FROM silence_bases WHERE id = alerts.silence) WHERE silence IS NOT NULL`,
		`UPDATE alerts SET title = json_extract(annotations, '$.summary') WHERE title_summary = 1`,
		`ALTER TABLE alerts DROP COLUMN title_summary`, `ALTER TABLE alerts DROP COLUMN silence`, `DROP TABLE silence_bases`,
	},
	40: {
		`UPDATE timeline SET after = json_object('channel.' || json_extract(data, '$.platform'), json_extract(data, '$.channel'))
			WHERE after = '@c'`,
		`UPDATE timeline SET after = json_set(substr(after, 3), '$.severity', json_extract(data, '$.severity'),
			'$.title', substr(text, length('Declared ' || json_extract(data, '$.severity') || ': ') + 1))
			WHERE after LIKE '@d%'`,
		`UPDATE timeline SET after = json_object('status', kind) WHERE after = '@s' AND kind IN ('acknowledged', 'resolved')`,
	},
	42: {
		`DROP INDEX incidents_kpi`,
		`CREATE INDEX incidents_kpi ON incidents (service, source, declared_at, severity, started_at, acknowledged_at, resolved_at)`,
		`DROP INDEX incidents_severity_closed`, `DROP INDEX incidents_severity_number`,
		`CREATE INDEX incidents_severity_number ON incidents (severity, number, status)`,
		`DROP INDEX incidents_unclosed`, `CREATE INDEX incidents_unclosed ON incidents (status, number) WHERE status <> 'closed'`,
	},
	// A channels column by the naming rule names the channels the
	// incident links (bot.Service links a channel and names it together).
	45: {
		`UPDATE incidents SET channels = COALESCE((SELECT json_group_object(p.name, c.name) FROM incident_channels l
			JOIN channels c ON c.id = l.channel JOIN platforms p ON p.id = c.platform WHERE l.incident = incidents.number), '{}')
			WHERE channels LIKE '@%'`,
		`UPDATE timeline SET data = json_object('channel', substr(data, instr(data, ' ') + 1), 'platform', substr(data, 2, instr(data, ' ') - 2))
			WHERE kind = 'channel_linked' AND data LIKE '@% %'`,
		`UPDATE timeline SET data = json_object('severity', substr(data, 2, instr(data, ' ') - 2), 'source', substr(data, instr(data, ' ') + 1))
			WHERE kind = 'declared' AND data LIKE '@% %'`,
		`UPDATE timeline SET data = '@' || CASE WHEN instr(data, ' ') > 0
			THEN json_object('old', substr(data, 2, instr(data, ' ') - 2), 'summary', substr(data, instr(data, ' ') + 1))
			ELSE json_object('old', substr(data, 2)) END
			WHERE kind IN ('acknowledged', 'resolved') AND data LIKE '@%' AND data NOT LIKE '@{%'`,
		`UPDATE timeline SET data = json_object('version', substr(data, 2)) WHERE kind = 'postmortem' AND data LIKE '@%'`,
	},
	46: {`DROP INDEX outbox_due`, `CREATE INDEX outbox_due ON outbox (target, next_at)`, `ALTER TABLE outbox DROP COLUMN handed`},
}
