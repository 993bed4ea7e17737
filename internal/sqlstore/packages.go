package sqlstore

import (
	"database/sql"
	"fmt"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// Package contents, as both the import (importer.assets) and the admin
// API (setPackage) write them: one check of a package's contents against
// the store, so that neither stores a package that contains itself.

// cycleIn refuses the contents of package id (field names them, e.g.
// "assets[3].packageAssetIds" or "packageAssetIds"), once written to
// package_assets in im's transaction, when they reach id again: the
// package itself, or a package that contains id, directly or through other
// packages. Export writes a package after all it contains
// (exportPackages), which a cycle makes impossible. The walk is
// cycleQuery's.
func (im *importer) cycleIn(field string, id int64, contents []int64) error {
	var pos sql.NullInt64
	if err := im.tx.QueryRowContext(im.ctx, cycleQuery, id).Scan(&pos); err != nil {
		return err
	}
	if !pos.Valid || pos.Int64 >= int64(len(contents)) {
		return nil
	}
	c := contents[pos.Int64]
	path := fmt.Sprintf("%s[%d]", field, pos.Int64)
	if c == id {
		return invalid(path, "a package cannot contain itself")
	}
	return invalid(path, "package %d contains package %d (directly or through other packages), so %d cannot contain it", c, id, id)
}

// setPackage replaces a package's contents (the admin API's create and
// patch), with the rules of a fixture document's packageAssetIds: ids of
// existing assets, none twice, and no cycle.
func (s *Store) setPackage(im *importer, id int64, contents []int64) error {
	if err := inventory.CheckPackageContents("packageAssetIds", id, contents); err != nil {
		return err
	}
	if err := im.exec("DELETE FROM package_assets WHERE package_id = $1", id); err != nil {
		return err
	}
	for j, c := range contents {
		if err := im.need(fmt.Sprintf("packageAssetIds[%d]", j), "asset", "assets", "id", c); err != nil {
			return err
		}
		if err := im.exec("INSERT INTO package_assets (package_id, position, asset_id) VALUES ($1, $2, $3)", id, j, c); err != nil {
			return err
		}
	}
	if len(contents) == 0 {
		return nil
	}
	return im.cycleIn("packageAssetIds", id, contents)
}
