-- Smaller posted messages and channel links (schema 30). Each chat
-- platform's name is stored once, in platforms, and each channel's name
-- once, in channels; a posted message and an incident's link to its
-- channel name them by those rows' ids, instead of repeating the names in
-- every row and in the indexes that hold them. The index listing a
-- channel's messages is (channel, id); the links are keyed by the
-- channel's id. A message's updated_at is NULL until it is edited (it
-- reads as created_at). Messages keep their ids, refs and bodies; links
-- their incidents.
CREATE TABLE platforms (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
);
INSERT INTO platforms (name)
	SELECT platform FROM incident_channels UNION SELECT platform FROM messages;

CREATE TABLE channels (
	id       INTEGER PRIMARY KEY,
	platform INTEGER NOT NULL REFERENCES platforms (id),
	name     TEXT NOT NULL,
	UNIQUE (platform, name)
);
INSERT INTO channels (platform, name)
	SELECT p.id, l.channel FROM incident_channels l JOIN platforms p ON p.name = l.platform ORDER BY l.incident;
INSERT INTO channels (platform, name)
	SELECT p.id, m.channel FROM messages m JOIN platforms p ON p.name = m.platform WHERE true
	GROUP BY p.id, m.channel ORDER BY min(m.id)
	ON CONFLICT (platform, name) DO NOTHING;

CREATE TABLE incident_channels_30 (
	channel  INTEGER PRIMARY KEY REFERENCES channels (id),
	incident INTEGER NOT NULL REFERENCES incidents (number)
);
INSERT INTO incident_channels_30 (channel, incident)
	SELECT c.id, l.incident FROM incident_channels l
	JOIN platforms p ON p.name = l.platform JOIN channels c ON c.platform = p.id AND c.name = l.channel
	ORDER BY c.id;
DROP TABLE incident_channels;
ALTER TABLE incident_channels_30 RENAME TO incident_channels;
CREATE INDEX incident_channels_incident ON incident_channels (incident, channel);

CREATE TABLE messages_30 (
	id          INTEGER PRIMARY KEY,
	platform    INTEGER NOT NULL REFERENCES platforms (id),
	channel     INTEGER NOT NULL REFERENCES channels (id),
	ref         TEXT NOT NULL,
	external_id TEXT NOT NULL DEFAULT '',
	incident    INTEGER,
	body        TEXT,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER,
	UNIQUE (platform, ref)
);
INSERT INTO messages_30 (id, platform, channel, ref, external_id, incident, body, created_at, updated_at)
	SELECT m.id, p.id, c.id, m.ref, m.external_id, m.incident, m.body, m.created_at,
		NULLIF(m.updated_at, m.created_at)
	FROM messages m JOIN platforms p ON p.name = m.platform JOIN channels c ON c.platform = p.id AND c.name = m.channel
	ORDER BY m.id;
DROP TABLE messages;
ALTER TABLE messages_30 RENAME TO messages;
CREATE INDEX messages_channel ON messages (channel, id);
