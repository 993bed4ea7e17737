-- inventoryd schema, version 3 (PostgreSQL): the collectibles listing's
-- index covers only collectible copies, as in the SQLite store's 0003
-- (see there). The SQLite 0003 also makes the serial and instance-id
-- unique indexes partial (WHERE ... IS NOT NULL); here they stay as they
-- are: a PostgreSQL unique index already lets NULLs repeat, so what they
-- allow is the same, and a sharded table (hash-partitioned by owner,
-- docs/scaling.md) could not have them unique and partial. Queries that
-- read the last serial say "serial IS NOT NULL", which these indexes serve
-- as well.
DROP INDEX user_assets_owner_coll;
CREATE INDEX user_assets_owner_coll ON user_assets (owner_type, owner_id, id) WHERE collectible = 1;
