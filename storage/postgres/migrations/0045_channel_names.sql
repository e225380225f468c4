-- Channel names spelled once less, entry data without JSON (schema 45),
-- as on SQLite: an incident's channels column whose every channel is the
-- one the naming rule makes from the incident's number and title stores
-- '@' and the platforms (see storage/internal/sqlstore/channel_names.go),
-- and a timeline entry of a fixed shape (a channel link, a declaration, an
-- acknowledgement, a resolution, a postmortem draft) its data's values
-- without JSON (records_compact.go). Rows written before read back as they
-- were. The version marks the new forms, which an older warroom cannot read.
SELECT 1;
