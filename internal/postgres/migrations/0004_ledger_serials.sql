-- inventoryd schema, version 4 (PostgreSQL): the ledger's serial numbers
-- by asset, as in the SQLite store's 0004 (see there).
CREATE INDEX ownership_ledger_serial ON ownership_ledger (item_id, serial) WHERE item_type = 0 AND serial IS NOT NULL;
