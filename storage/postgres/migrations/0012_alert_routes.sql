-- The rule that raised an alert (schema 12): its alertname, else its
-- title. Noisy-alert figures count by rule, so that one rule firing on
-- many instances counts as one. Older rows take their alertname label.
ALTER TABLE alerts ADD COLUMN rule TEXT NOT NULL DEFAULT '';
UPDATE alerts SET rule = COALESCE(labels::jsonb ->> 'alertname', title) WHERE labels <> 'null';
UPDATE alerts SET rule = title WHERE rule = '';
CREATE INDEX alerts_starts_rule ON alerts (starts_at, rule);

-- The channel an incident is announced in, named by the alert route that
-- declared it; '' is the configured announcement channel.
ALTER TABLE incidents ADD COLUMN announce TEXT NOT NULL DEFAULT '';

-- The responders called into an incident's room (JSON list of chat ids),
-- named by its alert route and its service.
ALTER TABLE incidents ADD COLUMN responders TEXT NOT NULL DEFAULT 'null';
