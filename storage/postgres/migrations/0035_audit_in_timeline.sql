-- An incident's audit records in the timeline's B-tree (schema 35) on
-- SQLite: PostgreSQL writes each row to its own page in the heap and its
-- indexes either way, and its concurrent writers take ids from sequences.
SELECT 1;
