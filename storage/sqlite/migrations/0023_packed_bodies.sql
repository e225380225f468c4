-- Smaller history (schema 23): posted message bodies, postmortem drafts
-- and outbox payloads are stored packed (deflated against a preset
-- dictionary, behind a two-byte header; see
-- storage/internal/sqlstore/bodies.go). SQLite keeps the packed values as
-- BLOBs in the same columns, and values written before as text, which
-- read back as before: nothing to convert.
SELECT 1;
