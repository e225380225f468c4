-- An Alertmanager alert's silence link (schema 28): the link repeats every
-- label, URL-escaped, and was about a third of an alert's row. The row
-- keeps the Alertmanager's external URL in silence_base instead, and the
-- link is made again from it and the labels when the alert is read; '' for
-- rows that keep their links in the annotations (older rows, and links
-- that are not exactly what warroom makes).
ALTER TABLE alerts ADD COLUMN silence_base TEXT NOT NULL DEFAULT '';
