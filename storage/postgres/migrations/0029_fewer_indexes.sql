-- Fewer indexes on incidents and on the outbox (schema 29): on SQLite,
-- where a transaction writes a page of every B-tree it changes, the open
-- incidents are found through incidents_unclosed, the severity indexes
-- became one, and one outbox index serves the order and the coalesce
-- keys. An UPDATE on PostgreSQL writes a new version of the row and an
-- entry in every index (or none: a heap-only update), its planner combines
-- indexes by bitmap, and its unique coalesce index among pending jobs is
-- what makes a concurrent twin enqueue conflict: the indexes stay as they
-- are.
SELECT 1;
