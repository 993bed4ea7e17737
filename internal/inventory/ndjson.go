package inventory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// NDJSONReader reads the streaming form of the fixture document
// (docs/bulk-import.md): one record per line, {"kind":"userAsset",...} with
// the fields of the document's element. It hands out the records in
// batches, each a *Fixture parsed by ParseFixture (so every rule of the
// document applies), holding only one batch in memory.
type NDJSONReader struct {
	sc        *bufio.Scanner
	now       time.Time
	line      int64
	bytes     int64
	batchSize int
	// per batch, reused
	parts      map[string]*section
	userAssets []FixtureUserAsset
	dec        bytes.Reader
}

type section struct {
	buf   bytes.Buffer
	lines []int64
}

// NewNDJSONReader returns a reader of r. batchSize records go in one batch
// (0: 4096).
func NewNDJSONReader(r io.Reader, now time.Time, batchSize int) *NDJSONReader {
	if batchSize <= 0 {
		batchSize = 4096
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	parts := map[string]*section{}
	for _, s := range Sections {
		parts[s.Name] = &section{}
	}
	return &NDJSONReader{sc: sc, now: now, batchSize: batchSize, parts: parts}
}

// BytesRead returns how many bytes of input the batches so far consumed.
func (r *NDJSONReader) BytesRead() int64 { return r.bytes }

// Line returns the number of the last line read.
func (r *NDJSONReader) Line() int64 { return r.line }

// splitKind returns the kind of a line and the element without it. The
// writer puts "kind" first, which is the fast path; any other layout goes
// through a generic decode.
func splitKind(line []byte) (kind string, elem []byte, err error) {
	const prefix = `{"kind":"`
	if bytes.HasPrefix(line, []byte(prefix)) {
		rest := line[len(prefix):]
		if end := bytes.IndexByte(rest, '"'); end > 0 && bytes.IndexByte(rest[:end], '\\') < 0 {
			kind, rest = string(rest[:end]), rest[end+1:]
			switch {
			case len(rest) > 0 && rest[0] == ',':
				return kind, append([]byte{'{'}, rest[1:]...), nil
			case len(rest) > 0 && rest[0] == '}':
				return kind, []byte("{}"), nil
			}
		}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return "", nil, fmt.Errorf("not a JSON object: %s", se)
		}
		return "", nil, errors.New("not a JSON object")
	}
	if m == nil { // null
		return "", nil, errors.New("not a JSON object")
	}
	if err := json.Unmarshal(m["kind"], &kind); err != nil || kind == "" {
		return "", nil, fmt.Errorf(`"kind" must name the record's kind`)
	}
	delete(m, "kind")
	elem, err = json.Marshal(m)
	return kind, elem, err
}

// Next returns the next batch, or io.EOF after the last.
func (r *NDJSONReader) Next() (*Fixture, error) {
	n := 0
	for _, p := range r.parts {
		p.buf.Reset()
		p.lines = p.lines[:0]
	}
	for n < r.batchSize && r.sc.Scan() {
		r.line++
		raw := r.sc.Bytes()
		r.bytes += int64(len(raw)) + 1
		line := bytes.TrimSpace(raw)
		if len(line) == 0 {
			continue
		}
		if bytes.HasPrefix(line, userAssetPrefix) {
			// The bulk of any large stream: decoded here directly, with
			// the document's rules (userAsset), not via ParseFixture.
			if err := r.userAsset(line); err != nil {
				return nil, err
			}
			n++
			continue
		}
		kind, elem, err := splitKind(line)
		if err != nil {
			return nil, &Error{Kind: KindInvalid, Message: fmt.Sprintf("line %d: %s", r.line, err)}
		}
		name, ok := sectionOfKind[kind]
		if !ok {
			return nil, &Error{Kind: KindInvalid, Message: fmt.Sprintf("line %d: unknown kind %q", r.line, kind)}
		}
		if name == "userAssets" {
			if err := r.userAsset(line); err != nil {
				return nil, err
			}
			n++
			continue
		}
		p := r.parts[name]
		if p.buf.Len() > 0 {
			p.buf.WriteByte(',')
		}
		p.buf.Write(elem)
		p.lines = append(p.lines, r.line)
		n++
	}
	if err := r.sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", r.line+1, err)
	}
	if n == 0 {
		return nil, io.EOF
	}
	ua := r.userAssets
	r.userAssets = nil
	var doc bytes.Buffer
	doc.WriteByte('{')
	for _, s := range Sections {
		p := r.parts[s.Name]
		if len(p.lines) == 0 {
			continue
		}
		if doc.Len() > 1 {
			doc.WriteByte(',')
		}
		doc.WriteString(strconv.Quote(s.Name))
		doc.WriteString(":[")
		doc.Write(p.buf.Bytes())
		doc.WriteByte(']')
	}
	doc.WriteByte('}')
	f, err := ParseFixture(&doc, r.now)
	if err != nil {
		return nil, r.atLine(err)
	}
	f.Hash = "" // streams are not recorded as imported documents
	f.UserAssets = ua
	lineOf := func(sec string, i int) string { return "line " + strconv.FormatInt(r.parts[sec].lines[i], 10) }
	for i := range f.UserPlaces {
		f.UserPlaces[i].Path = lineOf("userPlaces", i)
	}
	for i := range f.Collections {
		f.Collections[i].Path = lineOf("collections", i)
	}
	return f, nil
}

// atLine rewrites a ParseFixture error path onto its line.
func (r *NDJSONReader) atLine(err error) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	for _, s := range Sections {
		if p := r.parts[s.Name]; len(p.lines) > 0 && bytes.HasPrefix([]byte(e.Message), []byte(s.Name+"[")) {
			return errorLine(err, p.lines)
		}
	}
	return err
}

var userAssetPrefix = []byte(`{"kind":"userAsset",`)

// userAsset decodes one userAsset line with the rules ParseFixture applies
// to a "userAssets" element (fixture.go), which this mirrors for speed.
func (r *NDJSONReader) userAsset(line []byte) error {
	var d docUserAsset
	path := "line " + strconv.FormatInt(r.line, 10)
	if !scanUserAsset(line, &d) {
		d = docUserAsset{}
		_, elem, err := splitKind(line)
		if err != nil {
			return &Error{Kind: KindInvalid, Message: path + ": " + err.Error()}
		}
		r.dec.Reset(elem)
		dec := json.NewDecoder(&r.dec)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return &Error{Kind: KindInvalid, Message: DecodeErrorMessage(path, ": ", err)}
		}
		if dec.More() {
			return &Error{Kind: KindInvalid, Message: path + ": one JSON object per line"}
		}
	}
	p := &fixtureParser{now: r.now}
	ua := UserAsset{ID: d.UserAssetID, AssetID: p.id(path+": assetId", d.AssetID), Owner: p.agent(path+": owner", d.Owner, false),
		Serial: d.Serial, HoldUntil: p.optTime(path+": holdUntil", d.HoldUntil), ExpireAt: p.optTime(path+": expireAt", d.ExpireAt),
		Created: p.time(path+": created", d.Created, r.now)}
	if d.Updated == d.Created {
		ua.Updated = ua.Created
	} else {
		ua.Updated = p.time(path+": updated", d.Updated, ua.Created)
	}
	if d.UserAssetID != 0 {
		p.id(path+": userAssetId", d.UserAssetID)
	}
	if d.Serial != nil && (*d.Serial <= 0 || *d.Serial > MaxID) {
		p.fail(path+": serialNumber", "must be a positive integer")
	}
	if d.InstanceID != "" {
		id, err := uuid.Parse(d.InstanceID)
		if err != nil {
			p.fail(path+": collectibleItemInstanceId", "%q is not a UUID", d.InstanceID)
		}
		ua.InstanceID = id.String()
	}
	if p.err != nil {
		return p.err
	}
	r.userAssets = append(r.userAssets, FixtureUserAsset{UserAsset: ua, Path: path})
	return nil
}

// Prefetch runs next in its own goroutine, up to depth batches ahead, so
// that parsing and loading use two cores. The goroutine ends at the first
// error (io.EOF included) or when ctx is done.
func Prefetch(ctx context.Context, next func() (*Fixture, error), depth int) func() (*Fixture, error) {
	type item struct {
		f   *Fixture
		err error
	}
	ch := make(chan item, depth)
	go func() {
		defer close(ch)
		for {
			f, err := next()
			select {
			case ch <- item{f, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return func() (*Fixture, error) {
		select {
		case it, ok := <-ch:
			if !ok {
				return nil, io.EOF
			}
			return it.f, it.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
