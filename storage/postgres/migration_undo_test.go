package postgres_test

// undo holds, per migration, the statements that take a database back to
// the schema before it, for storetest.UndoFrom: a migration that changes
// the schema adds its entry here.
var undo = map[int][]string{
	19: {
		`DROP INDEX incidents_title_fts`, `DROP INDEX incidents_private`, `DROP INDEX incidents_unclosed`,
		`ALTER TABLE api_tokens DROP COLUMN last_used_at`,
	},
	20: {`ALTER TABLE incidents DROP COLUMN type`, `ALTER TABLE incidents DROP COLUMN fields`},
	21: {`DROP TABLE problem_actions`, `DROP TABLE problem_incidents`, `DROP TABLE problems`, `DELETE FROM counters WHERE name = 'problem'`},
	22: {`DROP TABLE people`, `ALTER TABLE incidents DROP COLUMN route`},
	23: {
		`ALTER TABLE messages ALTER COLUMN body TYPE TEXT USING convert_from(body, 'UTF8')`,
		`ALTER TABLE postmortems ALTER COLUMN body TYPE TEXT USING convert_from(body, 'UTF8')`,
		`ALTER TABLE outbox ALTER COLUMN payload TYPE TEXT USING convert_from(payload, 'UTF8')`,
		`ALTER TABLE outbox_dead ALTER COLUMN payload TYPE TEXT USING convert_from(payload, 'UTF8')`,
	},
	25: {
		`DROP TRIGGER incident_marks_entry ON timeline`, `DROP TRIGGER incident_marks_declared_at ON incidents`,
		`DROP TRIGGER incident_marks_gone ON incidents`, `DROP FUNCTION incident_marks_entry()`,
		`DROP FUNCTION incident_marks_declared_at()`, `DROP FUNCTION incident_marks_gone()`,
		`DROP FUNCTION incident_mark_of(TEXT, TEXT)`, `DROP TABLE incident_marks`,
		`DROP INDEX incidents_severity_number`, `DROP INDEX incidents_severity_status`, `DROP INDEX incidents_source_number`,
	},
	26: {}, // no schema change on PostgreSQL
	27: {}, // new forms of the same columns: no schema change
	28: {`ALTER TABLE alerts DROP COLUMN silence_base`},
	29: {}, // the SQLite indexes only: no schema change on PostgreSQL
	30: {
		`DROP INDEX messages_channel`, `ALTER TABLE messages RENAME COLUMN channel TO channel_id`,
		`ALTER TABLE messages RENAME COLUMN platform TO platform_id`,
		`ALTER TABLE messages ADD COLUMN platform TEXT, ADD COLUMN channel TEXT`,
		`UPDATE messages m SET platform = p.name, channel = c.name FROM channels c, platforms p
			WHERE c.id = m.channel_id AND p.id = m.platform_id`,
		`ALTER TABLE messages DROP COLUMN channel_id, DROP COLUMN platform_id`,
		`ALTER TABLE messages ALTER COLUMN platform SET NOT NULL, ALTER COLUMN channel SET NOT NULL, ADD UNIQUE (platform, ref)`,
		`UPDATE messages SET updated_at = created_at WHERE updated_at IS NULL`,
		`ALTER TABLE messages ALTER COLUMN updated_at SET NOT NULL`, `CREATE INDEX messages_channel ON messages (platform, channel, id)`,
		`DROP INDEX incident_channels_incident`, `ALTER TABLE incident_channels RENAME COLUMN channel TO channel_id`,
		`ALTER TABLE incident_channels ADD COLUMN platform TEXT, ADD COLUMN channel TEXT`,
		`UPDATE incident_channels l SET platform = p.name, channel = c.name FROM channels c, platforms p
			WHERE c.id = l.channel_id AND p.id = c.platform`,
		`ALTER TABLE incident_channels DROP COLUMN channel_id`,
		`ALTER TABLE incident_channels ALTER COLUMN platform SET NOT NULL, ALTER COLUMN channel SET NOT NULL, ADD PRIMARY KEY (platform, channel)`,
		`CREATE INDEX incident_channels_incident ON incident_channels (incident, platform)`,
		`DROP TABLE channels`, `DROP TABLE platforms`,
	},
	33: {}, // the SQLite indexes only: no schema change on PostgreSQL
	31: {}, // the SQLite outbox's ids only: no schema change on PostgreSQL
	32: {}, // new forms of the same columns: no schema change
	37: {}, // new forms of the same columns: no schema change
	40: {}, // SQLite's records only: no schema change on PostgreSQL
	// A channels column by the naming rule names the channels the
	// incident links (bot.Service links a channel and names it together).
	45: {
		`UPDATE incidents SET channels = COALESCE((SELECT json_object_agg(p.name, c.name)::text FROM incident_channels l
			JOIN channels c ON c.id = l.channel JOIN platforms p ON p.id = c.platform WHERE l.incident = incidents.number), '{}')
			WHERE channels LIKE '@%'`,
		`UPDATE timeline SET data = json_build_object('channel', substr(data, strpos(data, ' ') + 1), 'platform', substr(data, 2, strpos(data, ' ') - 2))::text
			WHERE kind = 'channel_linked' AND data LIKE '@% %'`,
		`UPDATE timeline SET data = json_build_object('severity', substr(data, 2, strpos(data, ' ') - 2), 'source', substr(data, strpos(data, ' ') + 1))::text
			WHERE kind = 'declared' AND data LIKE '@% %'`,
		`UPDATE timeline SET data = '@' || CASE WHEN strpos(data, ' ') > 0
			THEN json_build_object('old', substr(data, 2, strpos(data, ' ') - 2), 'summary', substr(data, strpos(data, ' ') + 1))::text
			ELSE json_build_object('old', substr(data, 2))::text END
			WHERE kind IN ('acknowledged', 'resolved') AND data LIKE '@%' AND data NOT LIKE '@{%'`,
		`UPDATE timeline SET data = json_build_object('version', substr(data, 2))::text WHERE kind = 'postmortem' AND data LIKE '@%'`,
	},
	34: {
		`UPDATE counters SET value = (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM incident_numbers)
			WHERE name = 'incident'`,
		`DROP SEQUENCE incident_numbers`,
	},
	39: {
		`UPDATE alerts SET silence_base = (SELECT base FROM silence_bases WHERE id = alerts.silence) WHERE silence IS NOT NULL`,
		`UPDATE alerts SET title = annotations::jsonb ->> 'summary' WHERE title_summary = 1`,
		`ALTER TABLE alerts DROP COLUMN title_summary, DROP COLUMN silence`, `DROP TABLE silence_bases`,
	},
	42: {
		`DROP INDEX incidents_kpi`,
		`CREATE INDEX incidents_kpi ON incidents (service, source, declared_at, severity, started_at, acknowledged_at, resolved_at)`,
	},
	46: {`ALTER TABLE outbox DROP COLUMN handed`},
}
