-- People (schema 22). The alert route that declared an incident ('' for
-- one declared by hand): its ticket systems (routes[].tickets) decide
-- where the incident's tickets go.
ALTER TABLE incidents ADD COLUMN route TEXT NOT NULL DEFAULT '';

-- Display names of chat users, resolved from each platform (Slack
-- users.info, Discord guild members) and shared by replicas, so that a
-- restart does not ask again. Ids stay in the data; names are applied
-- when rendering. refreshed_at is Unix microseconds.
CREATE TABLE people (
	platform     TEXT NOT NULL,
	id           TEXT NOT NULL,
	name         TEXT NOT NULL DEFAULT '',
	email        TEXT NOT NULL DEFAULT '',
	refreshed_at BIGINT NOT NULL,
	PRIMARY KEY (platform, id)
);
