-- Title search, list speed and access (schema 19).

-- A full-text index of incident titles: an FTS5 table whose content is
-- incidents.title (nothing is stored twice), kept in step by triggers in
-- the same transaction as every insert, title change and delete, and
-- filled here for the incidents already there. Words are split and folded
-- to lower case by the unicode61 tokenizer, accents kept, as PostgreSQL's
-- 'simple' configuration does. Searches are words and prefixes, never
-- phrases, and results are not ranked, so the index keeps neither
-- positions (detail = none) nor title sizes (columnsize = 0): smaller, and
-- cheaper to write on every declaration.
CREATE VIRTUAL TABLE incidents_fts USING fts5(
	title, content = 'incidents', content_rowid = 'number', tokenize = 'unicode61 remove_diacritics 0',
	detail = none, columnsize = 0
);
CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN
	INSERT INTO incidents_fts (rowid, title) VALUES (new.number, new.title);
END;
CREATE TRIGGER incidents_fts_update AFTER UPDATE OF title ON incidents WHEN old.title IS NOT new.title BEGIN
	INSERT INTO incidents_fts (incidents_fts, rowid, title) VALUES ('delete', old.number, old.title);
	INSERT INTO incidents_fts (rowid, title) VALUES (new.number, new.title);
END;
CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents BEGIN
	INSERT INTO incidents_fts (incidents_fts, rowid, title) VALUES ('delete', old.number, old.title);
END;
INSERT INTO incidents_fts (incidents_fts) VALUES ('rebuild');

-- Private incidents are few: a viewer's list first reads those matching
-- its filters (to keep the ones the viewer may see) through this index.
CREATE INDEX incidents_private ON incidents (number) WHERE private = TRUE;

-- Incidents not closed are few: a list of some statuses but closed reads
-- them here (and counts them from here) instead of the whole table.
CREATE INDEX incidents_unclosed ON incidents (status, number) WHERE status <> 'closed';

-- When a named API token was last used (Unix microseconds; NULL: never),
-- written at most once a minute per token.
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
