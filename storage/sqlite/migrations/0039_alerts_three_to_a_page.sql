-- Smaller alert rows (schema 39): an Alertmanager alert's row was about
-- 390 bytes, two to a 1 KiB page; without its title and its silence base
-- three fit.
--
-- An Alertmanager's external URL, the base of its alerts' silence links
-- (schema 28), is stored once, in silence_bases, and an alert names it by
-- that row's id in silence; silence_base stays for older rows (a row has
-- one or the other). A base's row is added when an alert first names it
-- and stays: its id never changes.
--
-- An alert whose title is its summary annotation (an Alertmanager alert's
-- usually is) stores an empty title and title_summary set; the title is
-- read back from the annotation.
CREATE TABLE silence_bases (
	id   INTEGER PRIMARY KEY,
	base TEXT NOT NULL UNIQUE
);
ALTER TABLE alerts ADD COLUMN silence INTEGER REFERENCES silence_bases (id);
ALTER TABLE alerts ADD COLUMN title_summary INTEGER NOT NULL DEFAULT 0;
