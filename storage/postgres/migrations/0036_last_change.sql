-- The newest change to any incident from a row of counters (schema 36) on
-- SQLite: PostgreSQL writes a new index entry for every row version
-- either way, and one counters row would queue concurrent writers.
SELECT 1;
