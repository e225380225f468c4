-- Channel link records (schema 40): the record of a channel link, kept in
-- the row of its timeline entry (schema 35), stores '@c' as its after image
-- where that image is the entry's channel under "channel." and its
-- platform, which the entry's data holds already (see
-- storage/internal/sqlstore/records_compact.go). Rows written before read
-- back as they were: nothing to convert. The version marks the new form,
-- which an older warroom cannot read: it stops claiming work and refuses to
-- start against this schema.
SELECT 1;
