package sqlstore

// BulkDropIndexesAt lets tests take the index-rebuild path on small loads.
var BulkDropIndexesAt = &bulkDropIndexesAt

// SlotWait lets tests shorten the wait for a write or export slot.
var SlotWait = &slotWait
