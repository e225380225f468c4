-- Fewer indexes on incidents (schema 29).
--
-- A transaction writes a page of every B-tree it changes, and a change of
-- an incident's status moved its entry in two indexes keyed by it: from
-- one place in the key order to another, two pages each in a large table.
-- The open incidents by severity and age (the KPIs' open count) are found
-- through incidents_unclosed, which holds every incident but the closed
-- ones, instead of an index of their own (incidents_open: a page of it at
-- each declaration, acknowledgement and resolution). The list filtered by
-- severity, with or without a status, walks one index by severity and
-- number that carries the status as its last column: a status change
-- rewrites the entry where it is instead of moving it, and the capped count
-- still reads the index alone.
DROP INDEX incidents_open;
DROP INDEX incidents_severity_status;
DROP INDEX incidents_severity_number;
CREATE INDEX incidents_severity_number ON incidents (severity, number, status);
