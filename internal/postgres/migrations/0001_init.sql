-- inventoryd schema, version 1 (PostgreSQL). The same logical schema as the
-- SQLite store's 0001: the same tables, columns, keys and indexes. Times are
-- Unix milliseconds (BIGINT), ids are BIGINT and stay below 2^53, flags and
-- enums are INTEGER (0/1) so that one set of SQL serves both stores.
-- docs/scaling.md explains how each table is keyed for sharding.
CREATE TABLE secrets (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
CREATE TABLE users (
	id BIGINT PRIMARY KEY, username TEXT NOT NULL, display_name TEXT NOT NULL,
	membership INTEGER NOT NULL DEFAULT 0, privacy INTEGER NOT NULL DEFAULT 6,
	banned INTEGER NOT NULL DEFAULT 0, created BIGINT NOT NULL);
CREATE TABLE agent_groups (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE friendships (user_id BIGINT NOT NULL, friend_id BIGINT NOT NULL, PRIMARY KEY (user_id, friend_id));
CREATE TABLE follows (follower_id BIGINT NOT NULL, following_id BIGINT NOT NULL, PRIMARY KEY (follower_id, following_id));
CREATE INDEX follows_following ON follows (following_id, follower_id);
CREATE TABLE sessions (token_hash BYTEA PRIMARY KEY, user_id BIGINT NOT NULL, created BIGINT NOT NULL);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE assets (
	id BIGINT PRIMARY KEY, name TEXT NOT NULL, asset_type INTEGER NOT NULL,
	creator_type INTEGER NOT NULL, creator_id BIGINT NOT NULL, limited INTEGER NOT NULL DEFAULT 0,
	collectible_item_id TEXT UNIQUE, rap BIGINT, original_price BIGINT, stock BIGINT, price BIGINT,
	moderation INTEGER NOT NULL DEFAULT 0, created BIGINT NOT NULL, updated BIGINT NOT NULL);
CREATE TABLE package_assets (package_id BIGINT NOT NULL, position INTEGER NOT NULL, asset_id BIGINT NOT NULL,
	PRIMARY KEY (package_id, asset_id));
-- Owned copies. asset_type and collectible are copied from the asset (both
-- are immutable) so every listing is one index range on the owner.
-- begin user_assets (the sharding test swaps this block for a table
-- hash-partitioned by owner_id; see shard_test.go)
CREATE TABLE user_assets (
	id BIGINT PRIMARY KEY, asset_id BIGINT NOT NULL, asset_type INTEGER NOT NULL,
	collectible INTEGER NOT NULL DEFAULT 0, owner_type INTEGER NOT NULL, owner_id BIGINT NOT NULL,
	serial BIGINT, instance_id TEXT UNIQUE, hold_until BIGINT, expire_at BIGINT,
	created BIGINT NOT NULL, updated BIGINT NOT NULL);
CREATE INDEX user_assets_owner_type ON user_assets (owner_type, owner_id, asset_type, id);
CREATE INDEX user_assets_owner_coll ON user_assets (owner_type, owner_id, collectible, id);
CREATE INDEX user_assets_owner_asset ON user_assets (owner_type, owner_id, asset_id, id);
CREATE INDEX user_assets_asset ON user_assets (asset_id, id);
CREATE UNIQUE INDEX user_assets_serial ON user_assets (asset_id, serial);
-- end user_assets
CREATE TABLE game_passes (id BIGINT PRIMARY KEY, name TEXT NOT NULL, place_id BIGINT, price BIGINT);
CREATE TABLE badges (id BIGINT PRIMARY KEY, name TEXT NOT NULL, place_id BIGINT);
CREATE TABLE bundles (id BIGINT PRIMARY KEY, name TEXT NOT NULL, bundle_type TEXT NOT NULL DEFAULT '');
CREATE TABLE user_items (user_id BIGINT NOT NULL, item_type INTEGER NOT NULL, item_id BIGINT NOT NULL,
	instance_id BIGINT, created BIGINT NOT NULL, PRIMARY KEY (user_id, item_type, item_id));
CREATE TABLE places (place_id BIGINT PRIMARY KEY, universe_id BIGINT, name TEXT NOT NULL,
	creator_type INTEGER NOT NULL, creator_id BIGINT NOT NULL, price BIGINT);
CREATE INDEX places_creator ON places (creator_type, creator_id, place_id);
CREATE TABLE user_places (user_id BIGINT NOT NULL, tab INTEGER NOT NULL, place_id BIGINT NOT NULL,
	PRIMARY KEY (user_id, tab, place_id));
CREATE TABLE collections (user_id BIGINT NOT NULL, item_type INTEGER NOT NULL, item_id BIGINT NOT NULL,
	created BIGINT NOT NULL, PRIMARY KEY (user_id, item_type, item_id));
CREATE TABLE fixture_imports (hash TEXT PRIMARY KEY, imported BIGINT NOT NULL);
