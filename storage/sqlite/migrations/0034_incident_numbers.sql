-- Incident numbers from a sequence (schema 34) on PostgreSQL: SQLite's
-- one writer takes the counters row without keeping any other waiting, and
-- its numbers stay gap-free.
SELECT 1;
