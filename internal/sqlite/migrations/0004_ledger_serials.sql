-- inventoryd schema, version 4: the ledger's serial numbers by asset, so
-- that the next serial of a limited is above every serial the asset ever
-- gave, not only above those of the copies that still exist: a revoked
-- copy's serial is never given again (sqlstore.lastSerial). Partial: only
-- asset rows with a serial (a fraction of the ledger). The PostgreSQL
-- store's 0004 is the same index.
CREATE INDEX ownership_ledger_serial ON ownership_ledger (item_id, serial) WHERE item_type = 0 AND serial IS NOT NULL;
