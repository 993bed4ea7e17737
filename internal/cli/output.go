package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// output is the FILE that export or generate writes. A regular file, new
// or existing, is written to a temporary file in the same directory and
// renamed over FILE by commit, so that a failed or interrupted run
// (Ctrl-C, a full disk, a store error) leaves an existing FILE as it was
// and no partial file behind (rename within a directory is atomic). Any
// other file that exists (/dev/null, /dev/stdout, a FIFO) is written in
// place: it cannot be replaced, and there is nothing to truncate.
type output struct {
	f      *os.File
	tmp    string // the temporary file; "" when writing in place
	target string
}

// openOutput opens file for writing as output describes.
func openOutput(file string) (*output, error) {
	fi, err := os.Stat(file)
	switch {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("open %s: is a directory", file)
	case err == nil && !fi.Mode().IsRegular():
		f, err := os.OpenFile(file, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &output{f: f, target: file}, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	target := file
	if err == nil {
		// Through a symbolic link, to the file it names: rename would
		// replace the link itself.
		if target, err = filepath.EvalSymlinks(file); err != nil {
			return nil, err
		}
	}
	dir, base := filepath.Split(target)
	for i := 0; ; i++ {
		tmp := filepath.Join(dir, fmt.Sprintf(".%s.%08x.tmp", base, rand.Uint32()))
		// 0666 less the umask, as os.Create (os.CreateTemp would make it 0600).
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			continue
		}
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // name FILE, not the temporary file
			}
			return nil, fmt.Errorf("create %s: %w", file, err)
		}
		if fi != nil {
			// Replacing a file keeps its permissions.
			if err := f.Chmod(fi.Mode().Perm()); err != nil {
				f.Close()
				os.Remove(tmp)
				return nil, err
			}
		}
		return &output{f: f, tmp: tmp, target: target}, nil
	}
}

// commit makes the output FILE: it syncs the temporary file (so that the
// rename cannot reach the disk before the data) and renames it over FILE.
func (o *output) commit() error {
	if o.tmp == "" {
		return o.f.Close()
	}
	err := o.f.Sync()
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(o.tmp, o.target)
	}
	if err != nil {
		os.Remove(o.tmp)
	}
	return err
}

// abort removes the temporary file; an existing FILE is left as it was.
// After commit it does nothing.
func (o *output) abort() {
	o.f.Close()
	if o.tmp != "" {
		os.Remove(o.tmp)
	}
}

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// checkOutput refuses an export FILE that would destroy a store: the
// store being read (db, a SQLite path; "" for PostgreSQL), one of its
// side files (-wal, -shm, -journal), or any other SQLite database. "export
// inventoryd.db" (the store taken for the output, with --db at its
// default) used to truncate the store before failing.
func checkOutput(file, db string) error {
	if file == "" || file == "-" {
		return nil
	}
	if db != "" {
		for _, p := range []string{db, db + "-wal", db + "-shm", db + "-journal"} {
			if sameFile(file, p) {
				return fmt.Errorf("export: the output %s is the store %s: name the store with --db and a new FILE for the export", file, db)
			}
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return nil // a new file, or one openOutput reports on
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, head); err == nil && bytes.Equal(head, sqliteMagic) {
		return fmt.Errorf("export: %s is a SQLite database: refusing to replace it with an export", file)
	}
	return nil
}

// sameFile reports whether a and b name the same file: the same inode
// when both exist, the same absolute path otherwise.
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	aa, errA := filepath.Abs(a)
	ab, errB := filepath.Abs(b)
	return errA == nil && errB == nil && aa == ab
}

// sqlitePath is the file of a SQLite store named by dsn, or "" for a
// PostgreSQL URL.
func sqlitePath(dsn string) string {
	if isPostgres(dsn) {
		return ""
	}
	return strings.TrimPrefix(dsn, "sqlite://") // as sqlite.Open
}
