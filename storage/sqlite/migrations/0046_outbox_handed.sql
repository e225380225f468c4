-- The due index leaves out jobs handed over in their command's commit
-- (schema 46).
--
-- A job due now that the worker has a slot for is written running, leased
-- to it, in its command's commit (storage/internal/sqlstore/handoff.go).
-- Such a job was found through outbox_due only if its lease ran out, yet
-- its entry was written with the job and deleted with it: about a page per
-- command. handed marks such a job (1) from its INSERT until a requeue or
-- a failure puts it back to pending (NULL). An INSERT, UPDATE or DELETE
-- leaves a partial index alone when neither the old row nor the new one
-- meets its condition, and an UPDATE that sets no column the index reads
-- leaves it alone too: a handed job writes no entry, nor does its
-- completion or its sweep; a claim of a pending job (which sets no column
-- the index reads) keeps its entry until the sweep, as before.
--
-- A claim reads the jobs that were not handed over through this index;
-- handed jobs whose lease ran out are looked for at most every half lease
-- per target, by a claim that reads the table (outbox.go).
ALTER TABLE outbox ADD COLUMN handed INTEGER;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (target, next_at) WHERE handed IS NULL;
