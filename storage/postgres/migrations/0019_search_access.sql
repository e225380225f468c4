-- Title search, list speed and access (schema 19).

-- A full-text index of incident titles: ASCII punctuation made spaces,
-- then words folded to lower case by the 'simple' configuration (no
-- stemming, no stop words), so that words are runs of letters and digits
-- as SQLite's unicode61 tokenizer makes them ("node-42" is "node" and
-- "42", not "node" and "-42"). PostgreSQL keeps the index in step with
-- every change and builds it here for the incidents already there. The
-- expression is sqlstore.PostgresTitleVector, letter for letter.
CREATE INDEX incidents_title_fts ON incidents USING GIN (to_tsvector('simple', translate(title, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                ')));

-- Private incidents are few: a viewer's list first reads those matching
-- its filters (to keep the ones the viewer may see) through this index.
CREATE INDEX incidents_private ON incidents (number) WHERE private = TRUE;

-- Incidents not closed are few: a list of some statuses but closed reads
-- them here (and counts them from here) instead of the whole table.
CREATE INDEX incidents_unclosed ON incidents (status, number) WHERE status <> 'closed';

-- When a named API token was last used (Unix microseconds; NULL: never),
-- written at most once a minute per token.
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
