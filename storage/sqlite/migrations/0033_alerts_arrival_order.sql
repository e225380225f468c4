-- Fewer index pages per alert (schema 33).
--
-- alerts_starts_rule ordered an alert's entry by its start and then its
-- rule: the alerts of a storm share a start (an Alertmanager group's
-- alerts often do to the second), so each commit of a storm inserted an
-- entry in the middle of the index for every rule it carried, a page each,
-- and split those pages as they filled. Ordered by start and then id, a
-- new alert's entry goes at the end of its start's entries, which for new
-- alerts is the end of the index: a commit writes the last page or two.
-- The rule stays in the entry, so the noisy-alert counts of a period still
-- read the index alone.
DROP INDEX alerts_starts_rule;
CREATE INDEX alerts_starts_rule ON alerts (starts_at, id, rule);

-- alerts_incident named the id twice: as a column and as the row id every
-- index entry ends with, which orders an incident's entries by id all the
-- same. Smaller entries fill and split the incident's page less often.
DROP INDEX alerts_incident;
CREATE INDEX alerts_incident ON alerts (incident) WHERE incident IS NOT NULL;
