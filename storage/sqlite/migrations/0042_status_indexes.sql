-- Incident indexes an acknowledgement and a resolution leave alone
-- (schema 42).
--
-- A transaction writes a page of every B-tree it changes, and every
-- acknowledgement and resolution changed three incident indexes:
-- incidents_kpi (its key holds the acknowledgement and resolution times),
-- incidents_severity_number (it carried the status last) and
-- incidents_unclosed (its key is the status). An UPDATE that sets a column
-- a partial index reads leaves that index alone when neither the old row
-- nor the new one meets its condition.
--
-- The KPIs' covering index holds the resolved incidents only (those with a
-- resolution time, which no longer moves): a declaration and an
-- acknowledgement write no entry of it, a resolution adds one. The KPIs
-- read the few unresolved incidents of a period through incidents_unclosed
-- and their rows.
DROP INDEX incidents_kpi;
CREATE INDEX incidents_kpi ON incidents (service, source, declared_at, severity, started_at, acknowledged_at, resolved_at)
	WHERE resolved_at IS NOT NULL;

-- The list filtered by severity walks (severity, number) newest first; a
-- status it filters on comes from incidents_unclosed, which now carries the
-- severity last, or for the closed incidents from incidents_severity_closed,
-- written when an incident is closed. Page and capped count read an index
-- alone, as before; an acknowledgement or a resolution no longer rewrites
-- the severity index's entry.
DROP INDEX incidents_severity_number;
CREATE INDEX incidents_severity_number ON incidents (severity, number);
CREATE INDEX incidents_severity_closed ON incidents (severity, number) WHERE status = 'closed';
DROP INDEX incidents_unclosed;
CREATE INDEX incidents_unclosed ON incidents (status, number, severity) WHERE status <> 'closed';
