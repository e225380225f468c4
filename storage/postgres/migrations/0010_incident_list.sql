-- The incident list and its live updates (schema 10): the newest change
-- (MAX(updated_at)) is one index step, and lists sorted or bounded by the
-- declaration time read an index instead of sorting the table.
CREATE INDEX incidents_updated ON incidents (updated_at);
CREATE INDEX incidents_declared ON incidents (declared_at);
