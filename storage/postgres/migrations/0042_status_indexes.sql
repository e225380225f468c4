-- The KPIs' covering index holds the resolved incidents only (schema 42),
-- as on SQLite: the KPI statements name its condition, and read the few
-- unresolved incidents of a period through incidents_unclosed. A
-- declaration and an acknowledgement add no entry to it. The list's
-- severity and status indexes are PostgreSQL's own (schema 25).
DROP INDEX incidents_kpi;
CREATE INDEX incidents_kpi ON incidents (service, source, declared_at, severity, started_at, acknowledged_at, resolved_at)
	WHERE resolved_at IS NOT NULL;
