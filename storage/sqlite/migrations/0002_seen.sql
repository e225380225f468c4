-- Inbound deliveries already handled (Slack event ids, PagerDuty webhook
-- ids, pinned messages), so a redelivery changes nothing. at is
-- microseconds since the Unix epoch, for purging old keys.
CREATE TABLE seen (
	source TEXT NOT NULL,
	key    TEXT NOT NULL,
	at     BIGINT NOT NULL,
	PRIMARY KEY (source, key)
);
CREATE INDEX seen_at ON seen (at);
