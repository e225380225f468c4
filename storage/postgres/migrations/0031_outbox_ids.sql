-- The outbox without AUTOINCREMENT on SQLite (schema 31), whose
-- sqlite_sequence row every enqueue rewrote. PostgreSQL's ids come from a
-- sequence, which never gives an id twice and is written in memory and
-- logged once per 32 values: nothing to change.
SELECT 1;
