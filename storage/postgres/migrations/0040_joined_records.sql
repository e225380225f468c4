-- Records without what their entries hold (schema 40): SQLite stores a
-- channel link's, a declaration's, an acknowledgement's and a resolution's
-- record, in their timeline entries' rows, without the channel name,
-- severity, title or status the entry holds.
-- PostgreSQL keeps its records in audit, whole (`warroom db copy` writes
-- them out). The version keeps both stores' schemas numbered alike.
SELECT 1;
