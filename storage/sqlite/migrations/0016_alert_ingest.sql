-- Alert ingest writes one index fewer per alert (schema 16): alerts_starts
-- (starts_at, title) served the noisy-alert figures before they counted by
-- rule; alerts_starts_rule (starts_at, rule) serves every range read now.
DROP INDEX IF EXISTS alerts_starts;
