// Package demo holds the built-in demo data set that `inventoryd serve
// --demo` imports into an empty store: ../shared/fixtures/example.json as
// it is, plus enough more (45 hats and 12 shirts, a limited-unique with 40
// owners of every privacy level) to make paging visible.
package demo

import (
	"bytes"
	_ "embed"
	"io"
)

//go:embed example.json
var example []byte

//go:embed more.json
var more []byte

// Documents returns the demo fixture documents in import order.
func Documents() []io.Reader {
	return []io.Reader{bytes.NewReader(example), bytes.NewReader(more)}
}
