-- Message copies (schema 37): a posted message whose body is the same as
-- that of the message stored just before it, of the same incident (an
-- incident's card and its announcement), refers to that message, which
-- names it back (see storage/internal/sqlstore/copies.go). Rows written
-- before read back as they were: nothing to convert. The version marks the
-- new forms, which an older warroom cannot read: it stops claiming work
-- and refuses to start against this schema.
SELECT 1;
