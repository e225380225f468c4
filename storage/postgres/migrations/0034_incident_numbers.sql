-- Incident numbers from a sequence (schema 34). A declare took its number
-- from the counters row with an UPDATE, whose row lock held every other
-- declare until its transaction committed: with several clients declaring
-- at once, declares ran one at a time, each holding the lock for its whole
-- transaction and the commit's WAL flush. nextval() takes no lock that
-- lasts; a declare that rolls back leaves its number unused (a gap), where
-- the counter gave it to the next one. Numbers stay unique and increasing,
-- and are never reused. The counters row is kept for an import or a copy
-- that moves the numbering on (both move the sequence with it).
CREATE SEQUENCE incident_numbers AS BIGINT MINVALUE 1;
SELECT setval('incident_numbers', value) FROM counters WHERE name = 'incident' AND value > 0;
