-- Records without what their entries hold (schema 40): SQLite stores a
-- channel link's and a declaration's record, in their timeline entries'
-- rows, without the channel name, severity and title the entry holds.
-- PostgreSQL keeps its records in audit, whole (`warroom db copy` writes
-- them out). The version keeps both stores' schemas numbered alike.
SELECT 1;
