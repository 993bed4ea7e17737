-- inventoryd schema, version 2: the append-only ownership ledger. Every
-- grant, transfer and revoke of an owned item (and every copy a fixture or
-- bulk import brings in) appends one row in the same transaction as the
-- change, so the chain of owners of any user asset can be listed and the
-- ownership invariants re-checked from the ledger alone. Rows are never
-- updated; only a store reset deletes them. The PostgreSQL store's 0002 is
-- the same table.
--   op: 1 grant, 2 transfer, 3 revoke, 4 import
--   item_type: 0 Asset (user_asset_id set), 1 GamePass, 2 Badge, 3 Bundle
--   from_*: the owner before (NULL on grant/import of a new copy)
--   to_*: the owner after (NULL on revoke)
CREATE TABLE ownership_ledger (
	id INTEGER PRIMARY KEY, at BIGINT NOT NULL, op INTEGER NOT NULL,
	item_type INTEGER NOT NULL, item_id BIGINT NOT NULL, user_asset_id BIGINT,
	serial BIGINT, instance_id TEXT,
	from_type INTEGER, from_id BIGINT, to_type INTEGER, to_id BIGINT);
CREATE INDEX ownership_ledger_user_asset ON ownership_ledger (user_asset_id, id);
