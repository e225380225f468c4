-- The incident list and its live updates (schema 10): the newest change
-- (MAX(updated_at)) is one index step; lists bounded by the declaration
-- time read an index instead of the table; a list of one service, newest
-- first, walks that service's incidents in order and stops at the page's
-- end.
CREATE INDEX incidents_updated ON incidents (updated_at);
CREATE INDEX incidents_declared ON incidents (declared_at);
CREATE INDEX incidents_service_number ON incidents (service, number);
