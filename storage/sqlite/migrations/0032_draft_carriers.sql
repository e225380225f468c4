-- Postmortem drafts stored once (schema 32): a posted message that carries
-- its incident's postmortem draft, in one of the incident's channels,
-- refers to the stored draft, and an outbox job that posts the draft
-- holds it packed once, as the draft's own row does (see
-- storage/internal/sqlstore/bodies.go). Rows written before read back as
-- they were: nothing to convert. The version marks the new forms, which an
-- older warroom cannot read: it stops claiming work and refuses to start
-- against this schema.
SELECT 1;
