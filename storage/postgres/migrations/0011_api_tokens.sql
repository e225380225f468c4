-- Named API tokens (schema 11): `warroom token create NAME --role ROLE`.
-- Only the hex SHA-256 of a secret is kept. A revoked token keeps its row
-- (revoked_at set) so that the audit's names stay explained; one live
-- token per name. act_for is 1 when the token may act for other users.
-- Times are Unix microseconds.
CREATE TABLE api_tokens (
	hash       TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL,
	act_for    INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	created_by TEXT NOT NULL,
	revoked_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;
