package inventory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
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

// checkLine reports whether a line (without the whitespace around it) is
// exactly one JSON object, with the syntax error if it is not JSON. A
// line is joined into its batch's document as it is, so anything past the
// object (",{...}", "],"groups":[...]") would otherwise become records
// of its own. json.Valid is one pass of encoding/json's scanner, no
// decode: a small share of a line's parse.
func checkLine(line []byte) error {
	if !json.Valid(line) {
		var se *json.SyntaxError
		if err := json.Unmarshal(line, new(json.RawMessage)); errors.As(err, &se) {
			return fmt.Errorf("not a JSON object: %s", se)
		}
		return errors.New("not a JSON object: not valid JSON")
	}
	if line[0] != '{' {
		return errors.New("not a JSON object")
	}
	return nil
}

// trimJSONSpace trims the whitespace JSON allows around a value (not all
// of Unicode's, which bytes.TrimSpace takes).
func trimJSONSpace(b []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// splitKind returns the kind of a line, which checkLine accepted, and the
// element without it. The writer puts "kind" first, which is the fast
// path; any other layout goes through a generic decode.
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
		if r.line == 1 {
			raw = bytes.TrimPrefix(raw, utf8BOM)
		}
		line := trimJSONSpace(raw)
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
		if err := checkLine(line); err != nil {
			return nil, &Error{Kind: KindInvalid, Message: fmt.Sprintf("line %d: %s", r.line, err)}
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
	// The batch's elements are parsed as one document, which names each
	// element by its line (Fixture.PathOf; the batch may reach another
	// goroutine, so the lines are its own) and upserts repeated ids.
	lines := map[string][]int64{}
	for _, s := range Sections {
		p := r.parts[s.Name]
		if len(p.lines) == 0 {
			continue
		}
		lines[s.Name] = slices.Clone(p.lines)
		if doc.Len() > 1 {
			doc.WriteByte(',')
		}
		doc.WriteString(strconv.Quote(s.Name))
		doc.WriteString(":[")
		doc.Write(p.buf.Bytes())
		doc.WriteByte(']')
	}
	doc.WriteByte('}')
	f, err := parseFixture(doc.Bytes(), r.now, lines)
	if err != nil {
		return nil, err
	}
	f.UserAssets = ua
	return f, nil
}

var userAssetPrefix = []byte(`{"kind":"userAsset",`)

// userAsset decodes one userAsset line with the rules ParseFixture applies
// to a "userAssets" element (fixture.go), which this mirrors for speed.
func (r *NDJSONReader) userAsset(line []byte) error {
	var d docUserAsset
	path := "line " + strconv.FormatInt(r.line, 10)
	if !scanUserAsset(line, &d) {
		d = docUserAsset{}
		if err := checkLine(line); err != nil {
			return &Error{Kind: KindInvalid, Message: path + ": " + err.Error()}
		}
		_, elem, err := splitKind(line)
		if err != nil {
			return &Error{Kind: KindInvalid, Message: path + ": " + err.Error()}
		}
		if err := decodeStrict(elem, &d); err != nil {
			return &Error{Kind: KindInvalid, Message: DecodeErrorMessage(path, ": ", err)}
		}
	}
	p := &fixtureParser{now: r.now}
	ua := UserAsset{AssetID: p.id(path+": assetId", d.AssetID), Owner: p.agent(path+": owner", d.Owner, false),
		Serial: d.Serial, HoldUntil: p.optTime(path+": holdUntil", d.HoldUntil), ExpireAt: p.optTime(path+": expireAt", d.ExpireAt),
		Created: p.time(path+": created", d.Created, r.now)}
	if d.Updated == d.Created {
		ua.Updated = ua.Created
	} else {
		ua.Updated = p.time(path+": updated", d.Updated, ua.Created)
	}
	if d.UserAssetID != nil {
		ua.ID = p.id(path+": userAssetId", *d.UserAssetID)
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
