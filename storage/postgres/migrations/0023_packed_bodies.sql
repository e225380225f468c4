-- Smaller history (schema 23): posted message bodies, postmortem drafts
-- and outbox payloads are stored packed (deflated against a preset
-- dictionary, behind a two-byte header; see
-- storage/internal/sqlstore/bodies.go), which text columns cannot hold. Existing values become their UTF-8 bytes and read
-- back as before: a value without the header is stored as it is.
ALTER TABLE messages ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8');
ALTER TABLE postmortems ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8');
-- Outbox payloads (a post's message, a postmortem with its file) too, in
-- the queue and among the dead letters alike.
ALTER TABLE outbox ALTER COLUMN payload TYPE BYTEA USING convert_to(payload, 'UTF8');
ALTER TABLE outbox_dead ALTER COLUMN payload TYPE BYTEA USING convert_to(payload, 'UTF8');
