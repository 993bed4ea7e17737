-- inventoryd schema, version 3: the indexes of user_assets that only
-- limited copies use cover only those copies (in the generated 1M data
-- set 18% of copies have serials, 19% are collectibles, 1% carry instance
-- ids), so a bulk import builds, and every insert maintains, three index
-- entries per ordinary copy instead of six:
--   user_assets_owner_coll  the collectibles listing; partial on collectible = 1
--                           (queries say "collectible = 1" literally)
--   user_assets_serial      unique (asset_id, serial); partial on serial IS NOT NULL
--                           (queries for the last serial say "serial IS NOT NULL")
--   user_assets_instance    unique instance_id; partial on instance_id IS NOT NULL,
--                           instead of the column's UNIQUE, an automatic index that
--                           held a NULL entry for every copy and that a bulk load
--                           could not drop
-- NULLs never clashed in either unique index, so what is allowed is
-- unchanged. SQLite cannot drop a column constraint, so the table is
-- rebuilt (same columns, same order). The PostgreSQL store's 0003 makes
-- the same change where it is more than physical.
CREATE TABLE user_assets_v3 (
	id INTEGER PRIMARY KEY, asset_id INTEGER NOT NULL, asset_type INTEGER NOT NULL,
	collectible INTEGER NOT NULL DEFAULT 0, owner_type INTEGER NOT NULL, owner_id INTEGER NOT NULL,
	serial INTEGER, instance_id TEXT, hold_until INTEGER, expire_at INTEGER,
	created INTEGER NOT NULL, updated INTEGER NOT NULL);
INSERT INTO user_assets_v3 (id, asset_id, asset_type, collectible, owner_type, owner_id, serial, instance_id,
	hold_until, expire_at, created, updated)
	SELECT id, asset_id, asset_type, collectible, owner_type, owner_id, serial, instance_id,
	hold_until, expire_at, created, updated FROM user_assets;
DROP TABLE user_assets;
ALTER TABLE user_assets_v3 RENAME TO user_assets;
CREATE INDEX user_assets_owner_type ON user_assets (owner_type, owner_id, asset_type, id);
CREATE INDEX user_assets_owner_coll ON user_assets (owner_type, owner_id, id) WHERE collectible = 1;
CREATE INDEX user_assets_owner_asset ON user_assets (owner_type, owner_id, asset_id, id);
CREATE INDEX user_assets_asset ON user_assets (asset_id, id);
CREATE UNIQUE INDEX user_assets_serial ON user_assets (asset_id, serial) WHERE serial IS NOT NULL;
CREATE UNIQUE INDEX user_assets_instance ON user_assets (instance_id) WHERE instance_id IS NOT NULL;
