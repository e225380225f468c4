-- Insights (schema 5, PostgreSQL): digest slots, postmortem drafts, and the indexes the
-- KPI aggregates read. Times are microseconds since the Unix epoch, UTC.

-- One row per schedule slot that ran: (schedule, slot) is unique, so a
-- restart or a second replica never posts the same digest twice.
CREATE TABLE digest_runs (
	schedule   TEXT NOT NULL,
	slot       BIGINT NOT NULL,
	owner      TEXT NOT NULL DEFAULT '',
	claimed_at BIGINT NOT NULL,
	PRIMARY KEY (schedule, slot)
);

-- The latest postmortem draft of an incident.
CREATE TABLE postmortems (
	incident     BIGINT PRIMARY KEY REFERENCES incidents (number),
	body         TEXT NOT NULL,
	generated_at BIGINT NOT NULL,
	version      BIGINT NOT NULL
);

-- Covering index for KPIs: per (service, source) a period is a range of
-- declared_at, and every column KPIs read is in the index, so they never
-- touch the table, sort, or carry a string per row.
CREATE INDEX incidents_kpi ON incidents (service, source, declared_at, severity, started_at, acknowledged_at, resolved_at);
-- SLA breaches and reopenings are rare: a small partial index finds them.
CREATE INDEX timeline_kpi ON timeline (kind, incident, data) WHERE kind IN ('sla_breached', 'reopened');
CREATE INDEX action_items_created ON action_items (created_at);
CREATE INDEX action_items_done ON action_items (done_at) WHERE done_at IS NOT NULL;
CREATE INDEX action_items_open_due ON action_items (due) WHERE status = 'open' AND due IS NOT NULL;
CREATE INDEX alerts_starts ON alerts (starts_at, title);
-- Open incidents by age: a small partial index instead of a scan.
CREATE INDEX incidents_open ON incidents (severity, declared_at)
	WHERE status IN ('triggered', 'acknowledged', 'investigating', 'identified', 'monitoring');
