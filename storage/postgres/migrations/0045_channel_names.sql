-- An incident's channels by the naming rule (schema 45): an incident's
-- channels column whose every channel is the one the naming rule makes from
-- the incident's number and title stores '@' and the platforms, as on
-- SQLite (see storage/internal/sqlstore/channel_names.go). Rows written
-- before read back as they were. The version marks the new form, which an
-- older warroom cannot read.
SELECT 1;
