-- handed marks a job written claimed in its command's commit (1) until a
-- requeue or a failure puts it back to pending (NULL), as on SQLite, whose
-- due index leaves such jobs out (schema 46). PostgreSQL's outbox_due keeps
-- every live job.
ALTER TABLE outbox ADD COLUMN handed INTEGER;
