package sqlstore

// BulkDropIndexesAt lets tests take the index-rebuild path on small loads.
var BulkDropIndexesAt = &bulkDropIndexesAt
