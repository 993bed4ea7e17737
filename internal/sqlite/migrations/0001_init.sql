-- inventoryd schema, version 1 (SQLite). Times are Unix milliseconds, ids
-- stay below 2^53. The PostgreSQL store's 0001 is the same schema.
CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE users (
	id INTEGER PRIMARY KEY, username TEXT NOT NULL, display_name TEXT NOT NULL,
	membership INTEGER NOT NULL DEFAULT 0, privacy INTEGER NOT NULL DEFAULT 6,
	banned INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);
CREATE TABLE agent_groups (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE friendships (user_id INTEGER NOT NULL, friend_id INTEGER NOT NULL, PRIMARY KEY (user_id, friend_id)) WITHOUT ROWID;
CREATE TABLE follows (follower_id INTEGER NOT NULL, following_id INTEGER NOT NULL, PRIMARY KEY (follower_id, following_id)) WITHOUT ROWID;
CREATE INDEX follows_following ON follows (following_id, follower_id);
CREATE TABLE sessions (token_hash BLOB PRIMARY KEY, user_id INTEGER NOT NULL, created INTEGER NOT NULL);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE assets (
	id INTEGER PRIMARY KEY, name TEXT NOT NULL, asset_type INTEGER NOT NULL,
	creator_type INTEGER NOT NULL, creator_id INTEGER NOT NULL, limited INTEGER NOT NULL DEFAULT 0,
	collectible_item_id TEXT UNIQUE, rap INTEGER, original_price INTEGER, stock INTEGER, price INTEGER,
	moderation INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE package_assets (package_id INTEGER NOT NULL, position INTEGER NOT NULL, asset_id INTEGER NOT NULL,
	PRIMARY KEY (package_id, asset_id)) WITHOUT ROWID;
-- Owned copies. asset_type and collectible are copied from the asset (both
-- are immutable) so every listing is one index range on the owner.
CREATE TABLE user_assets (
	id INTEGER PRIMARY KEY, asset_id INTEGER NOT NULL, asset_type INTEGER NOT NULL,
	collectible INTEGER NOT NULL DEFAULT 0, owner_type INTEGER NOT NULL, owner_id INTEGER NOT NULL,
	serial INTEGER, instance_id TEXT UNIQUE, hold_until INTEGER, expire_at INTEGER,
	created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE INDEX user_assets_owner_type ON user_assets (owner_type, owner_id, asset_type, id);
CREATE INDEX user_assets_owner_coll ON user_assets (owner_type, owner_id, collectible, id);
CREATE INDEX user_assets_owner_asset ON user_assets (owner_type, owner_id, asset_id, id);
CREATE INDEX user_assets_asset ON user_assets (asset_id, id);
CREATE UNIQUE INDEX user_assets_serial ON user_assets (asset_id, serial);
CREATE TABLE game_passes (id INTEGER PRIMARY KEY, name TEXT NOT NULL, place_id INTEGER, price INTEGER);
CREATE TABLE badges (id INTEGER PRIMARY KEY, name TEXT NOT NULL, place_id INTEGER);
CREATE TABLE bundles (id INTEGER PRIMARY KEY, name TEXT NOT NULL, bundle_type TEXT NOT NULL DEFAULT '');
CREATE TABLE user_items (user_id INTEGER NOT NULL, item_type INTEGER NOT NULL, item_id INTEGER NOT NULL,
	instance_id INTEGER, created INTEGER NOT NULL, PRIMARY KEY (user_id, item_type, item_id)) WITHOUT ROWID;
CREATE TABLE places (place_id INTEGER PRIMARY KEY, universe_id INTEGER, name TEXT NOT NULL,
	creator_type INTEGER NOT NULL, creator_id INTEGER NOT NULL, price INTEGER);
CREATE INDEX places_creator ON places (creator_type, creator_id, place_id);
CREATE TABLE user_places (user_id INTEGER NOT NULL, tab INTEGER NOT NULL, place_id INTEGER NOT NULL,
	PRIMARY KEY (user_id, tab, place_id)) WITHOUT ROWID;
CREATE TABLE collections (user_id INTEGER NOT NULL, item_type INTEGER NOT NULL, item_id INTEGER NOT NULL,
	created INTEGER NOT NULL, PRIMARY KEY (user_id, item_type, item_id)) WITHOUT ROWID;
CREATE TABLE fixture_imports (hash TEXT PRIMARY KEY, imported INTEGER NOT NULL);
