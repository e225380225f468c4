-- The due index holds pending jobs only (schema 41).
--
-- A job due now that the worker has a slot for is written running, leased
-- to it, in its command's commit (storage/internal/sqlstore/handoff.go).
-- Such a job was found through outbox_due only if its lease ran out, yet
-- its entry was written with the job and deleted with it: about a page per
-- command. An INSERT, UPDATE or DELETE leaves a partial index alone when
-- neither the old row nor the new one meets its condition: a handed job
-- writes no entry, nor does its completion (running to done) or its sweep.
-- A claim of a pending job deletes its entry, a requeue writes one again.
--
-- A claim now reads pending jobs alone through this index; jobs whose
-- lease ran out are looked for at most every half lease per target, by a
-- claim that reads the running jobs from the table (outbox.go).
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (target, next_at) WHERE status = 'pending';
