-- Channel link records (schema 40): SQLite stores a channel link's record
-- without its channel name where its timeline entry holds it; PostgreSQL
-- keeps its records in audit, whole (`warroom db copy` writes them out).
-- The version keeps both stores' schemas numbered alike.
SELECT 1;
