-- Insights and the incident list at a million incidents (schema 25).

-- The incident list filtered by severity or by source, newest first, walks
-- that severity's (source's) incidents in order and stops at the page's
-- end; its capped count reads the index alone. A severity and a status
-- (SEV1, closed) are one range of the second index, page and count alike.
CREATE INDEX incidents_severity_number ON incidents (severity, number);
CREATE INDEX incidents_severity_status ON incidents (severity, status, number);
CREATE INDEX incidents_source_number ON incidents (source, number);

-- What the KPIs count of an incident's timeline, one row per incident and
-- mark: each SLA it breached ('ack', 'resolve', 'update', 'postmortem')
-- and 'reopened', with the incident's declaration time, so that a period's
-- breaches and reopenings are a range of declared_at instead of every
-- breach ever recorded joined to its incident. Derived: triggers keep it
-- in step, in the same transaction, with every timeline entry written and
-- every declaration time changed, whatever writes them (commands, imports,
-- bundles, db copy); filled here from the timeline already there.
CREATE TABLE incident_marks (
	incident    INTEGER NOT NULL,
	mark        TEXT NOT NULL,
	declared_at INTEGER NOT NULL,
	PRIMARY KEY (incident, mark)
) WITHOUT ROWID;
CREATE INDEX incident_marks_declared ON incident_marks (declared_at, incident, mark);

CREATE TRIGGER incident_marks_entry AFTER INSERT ON timeline WHEN new.kind IN ('sla_breached', 'reopened') BEGIN
	INSERT INTO incident_marks (incident, mark, declared_at)
	SELECT i.number, m.mark, i.declared_at FROM incidents i, (SELECT CASE
		WHEN new.kind = 'reopened' THEN 'reopened'
		WHEN new.data LIKE '%"sla":"ack"%' THEN 'ack'
		WHEN new.data LIKE '%"sla":"resolve"%' THEN 'resolve'
		WHEN new.data LIKE '%"sla":"update"%' THEN 'update'
		WHEN new.data LIKE '%"sla":"postmortem"%' THEN 'postmortem' END AS mark) m
	WHERE i.number = new.incident AND m.mark IS NOT NULL
	ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER incident_marks_declared_at AFTER UPDATE OF declared_at ON incidents WHEN old.declared_at IS NOT new.declared_at BEGIN
	UPDATE incident_marks SET declared_at = new.declared_at WHERE incident = new.number;
END;
CREATE TRIGGER incident_marks_gone AFTER DELETE ON incidents BEGIN
	DELETE FROM incident_marks WHERE incident = old.number;
END;

INSERT INTO incident_marks (incident, mark, declared_at)
SELECT DISTINCT i.number, CASE
	WHEN t.kind = 'reopened' THEN 'reopened'
	WHEN t.data LIKE '%"sla":"ack"%' THEN 'ack'
	WHEN t.data LIKE '%"sla":"resolve"%' THEN 'resolve'
	WHEN t.data LIKE '%"sla":"update"%' THEN 'update'
	WHEN t.data LIKE '%"sla":"postmortem"%' THEN 'postmortem' END AS mark, i.declared_at
FROM timeline t JOIN incidents i ON i.number = t.incident
WHERE t.kind IN ('sla_breached', 'reopened') AND mark IS NOT NULL;
