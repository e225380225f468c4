-- An incident's audit records in the timeline's B-tree (schema 35): a
-- change wrote its timeline entry and its audit record into two tables,
-- each with its index on (incident, id), four B-trees and at least four
-- pages a commit. Now a record of an incident is a row of timeline whose
-- action is set (kind, text and data empty), beside the entry of the same
-- change in the same leaf and in timeline_incident. Records without an
-- incident (tokens, maintenance, problems) stay in audit.
--
-- Ids: a new entry or record takes one past the highest of both tables,
-- so that records keep one order by id across the two. Rows written
-- before keep their tables and their ids. counters' 'records' row is the
-- highest id at this migration (and after a bundle's import): timeline
-- holds no record at or below it, so a listing of every record reads
-- timeline from there.
ALTER TABLE timeline ADD COLUMN action TEXT;
ALTER TABLE timeline ADD COLUMN before TEXT;
ALTER TABLE timeline ADD COLUMN after TEXT;
INSERT INTO counters (name, value)
SELECT 'records', MAX(COALESCE((SELECT MAX(id) FROM timeline), 0), COALESCE((SELECT MAX(id) FROM audit), 0));
