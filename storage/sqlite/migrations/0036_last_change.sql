-- The newest change to any incident from a row of counters (schema 36),
-- kept by triggers, instead of the index incidents_updated: every change
-- sets updated_at, so the index's entry moved on every command (a page
-- written, two where the incident's last change was long ago). The
-- counters row is written only when the time passes the newest; it shares
-- the page declarations write anyway (the incident counter). No row while
-- there are no incidents.
INSERT INTO counters (name, value) SELECT 'changed', MAX(updated_at) FROM incidents HAVING MAX(updated_at) IS NOT NULL;
CREATE TRIGGER incidents_changed_insert AFTER INSERT ON incidents BEGIN
	INSERT INTO counters (name, value) VALUES ('changed', new.updated_at)
	ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE excluded.value > counters.value;
END;
CREATE TRIGGER incidents_changed_update AFTER UPDATE OF updated_at ON incidents BEGIN
	INSERT INTO counters (name, value) VALUES ('changed', new.updated_at)
	ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE excluded.value > counters.value;
END;
DROP INDEX incidents_updated;
