-- Incident types and custom fields (schema 20): the configured type an
-- incident was declared as ('' when none are configured) and its custom
-- field values (JSON object of name → value).
ALTER TABLE incidents ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN fields TEXT NOT NULL DEFAULT 'null';
