-- Fewer indexes on incidents and on the outbox (schema 29).
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

-- One outbox index for the order and the coalesce keys: a coalesce key
-- names the job's target and incident (or problem), and so does its order
-- key, so an enqueue looks for a pending job with its coalesce key among
-- the jobs of its order key. An enqueue writes one index fewer.
DROP INDEX outbox_coalesce;
DROP INDEX outbox_order;
CREATE INDEX outbox_order ON outbox (order_key, id, coalesce_key);
