// Package sqlstore implements inventory.Store over database/sql with SQL that
// both SQLite and PostgreSQL accept ($n placeholders, ON CONFLICT, row-value
// comparisons, times as Unix milliseconds). The sqlite and postgres packages
// open their databases, apply their own migrations and hand the handles to
// New together with a Dialect that maps driver errors onto the domain's
// kinds. One implementation for both stores keeps their behaviour identical
// byte for byte; the shared contract suite in inventory/inventorytest proves
// it.
package sqlstore
