-- Delivered file bytes move out of the deliveries row into their own table.
-- SQLite rewrites a whole row (overflow pages included) on UPDATE, so with
-- the bytes inline every acknowledgement copied the whole file (megabytes)
-- into the WAL and fsynced it: about 130 ms per 6 MB delivery instead of 1 ms.

CREATE TABLE delivery_contents (
    delivery_id INTEGER PRIMARY KEY REFERENCES deliveries (id),
    content BLOB NOT NULL
);
INSERT INTO delivery_contents (delivery_id, content) SELECT id, content FROM deliveries;
ALTER TABLE deliveries ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE deliveries SET size = LENGTH(content);
ALTER TABLE deliveries DROP COLUMN content;
