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
	incident    BIGINT NOT NULL,
	mark        TEXT NOT NULL,
	declared_at BIGINT NOT NULL,
	PRIMARY KEY (incident, mark)
);
CREATE INDEX incident_marks_declared ON incident_marks (declared_at, incident, mark);

CREATE FUNCTION incident_mark_of(kind TEXT, data TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN kind = 'reopened' THEN 'reopened'
		WHEN data LIKE '%"sla":"ack"%' THEN 'ack'
		WHEN data LIKE '%"sla":"resolve"%' THEN 'resolve'
		WHEN data LIKE '%"sla":"update"%' THEN 'update'
		WHEN data LIKE '%"sla":"postmortem"%' THEN 'postmortem' END
$$;

CREATE FUNCTION incident_marks_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO incident_marks (incident, mark, declared_at)
	SELECT i.number, incident_mark_of(NEW.kind, NEW.data), i.declared_at FROM incidents i
	WHERE i.number = NEW.incident AND incident_mark_of(NEW.kind, NEW.data) IS NOT NULL
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
CREATE TRIGGER incident_marks_entry AFTER INSERT ON timeline
	FOR EACH ROW WHEN (NEW.kind IN ('sla_breached', 'reopened')) EXECUTE FUNCTION incident_marks_entry();

CREATE FUNCTION incident_marks_declared_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE incident_marks SET declared_at = NEW.declared_at WHERE incident = NEW.number;
	RETURN NULL;
END
$$;
CREATE TRIGGER incident_marks_declared_at AFTER UPDATE OF declared_at ON incidents
	FOR EACH ROW WHEN (OLD.declared_at IS DISTINCT FROM NEW.declared_at) EXECUTE FUNCTION incident_marks_declared_at();

CREATE FUNCTION incident_marks_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM incident_marks WHERE incident = OLD.number;
	RETURN NULL;
END
$$;
CREATE TRIGGER incident_marks_gone AFTER DELETE ON incidents
	FOR EACH ROW EXECUTE FUNCTION incident_marks_gone();

INSERT INTO incident_marks (incident, mark, declared_at)
SELECT DISTINCT i.number, incident_mark_of(t.kind, t.data), i.declared_at
FROM timeline t JOIN incidents i ON i.number = t.incident
WHERE t.kind IN ('sla_breached', 'reopened') AND incident_mark_of(t.kind, t.data) IS NOT NULL;
