-- Fewer indexes on incidents (schema 29): on SQLite, where a transaction
-- writes a page of every B-tree it changes, the open incidents are found
-- through incidents_unclosed and the severity indexes became one. An
-- UPDATE on PostgreSQL writes a new version of the row and an entry in
-- every index (or none: a heap-only update), and its planner combines
-- indexes by bitmap: the indexes stay as they are.
SELECT 1;
