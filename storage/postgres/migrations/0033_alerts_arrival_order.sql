-- Fewer index pages per alert (schema 33): on SQLite, where a commit
-- writes every page it changed, alerts_starts_rule is ordered by start and
-- id, so that a storm's alerts, which share a start, append to it instead
-- of inserting in the middle at each rule, and alerts_incident keys the
-- incident alone (its entries end with the row id anyway). PostgreSQL logs
-- an index insertion as a record, not as the page, and keeps its indexes:
-- no schema change.
SELECT 1;
