-- Fewer pages written per command (schema 26): on SQLite an outbox claim
-- and a completion no longer change any index (see the SQLite migration).
-- PostgreSQL keeps its unique index of pending coalesce keys, which the
-- enqueue's ON CONFLICT still meets, and deletes a finished job at once;
-- the shared statements need no schema change here.
SELECT 1;
