-- Smaller history (schema 27): message bodies are packed against a second
-- dictionary and an edited message keeps its row's size; a timeline
-- entry whose text its kind and data make is stored without it, and a
-- declaration's audit record without its empty fields (see
-- storage/internal/sqlstore/bodies.go and records_compact.go). Rows
-- written before read back as they were: nothing to convert. The version
-- marks the new forms, which an older warroom cannot read: it stops
-- claiming work and refuses to start against this schema.
SELECT 1;
