package inventory

import "strconv"

// scanUserAsset decodes the common shape of a userAsset line without
// reflection: a flat object of the docUserAsset keys (plus "kind"), with
// plain ASCII strings, integers, nulls and the owner object. It reports
// false for anything else (an escape or a non-ASCII byte in a string, an
// unknown or repeated key, a fraction), and the caller then checks the
// line and decodes it with encoding/json, whose errors and rules stay the
// reference: what the scanner accepts is valid JSON that encoding/json
// decodes the same (TestScanUserAssetAgreesWithJSON). Decoding was most of
// the parse cost of a bulk import.
func scanUserAsset(b []byte, d *docUserAsset) bool {
	s := scanner{b: b}
	if !s.byte('{') {
		return false
	}
	if s.peek('}') {
		s.i++
		return s.end()
	}
	var seen uint16 // the keys read, by their bit: a repeat goes to encoding/json
	for {
		key, ok := s.str()
		if !ok || !s.byte(':') {
			return false
		}
		var bit uint16
		switch key {
		case "kind":
			bit = 1 << 0
			if _, ok := s.str(); !ok {
				return false
			}
		case "userAssetId":
			bit = 1 << 1
			ok = s.optInt(&d.UserAssetID)
		case "assetId":
			bit = 1 << 2
			ok = s.int(&d.AssetID)
		case "serialNumber":
			bit = 1 << 3
			ok = s.optInt(&d.Serial)
		case "owner":
			bit = 1 << 4
			ok = s.agent(d)
		case "collectibleItemInstanceId":
			bit = 1 << 5
			ok = s.optStr(&d.InstanceID)
		case "holdUntil":
			bit = 1 << 6
			ok = s.optStr(&d.HoldUntil)
		case "expireAt":
			bit = 1 << 7
			ok = s.optStr(&d.ExpireAt)
		case "created":
			bit = 1 << 8
			ok = s.optStr(&d.Created)
		case "updated":
			bit = 1 << 9
			ok = s.optStr(&d.Updated)
		default:
			return false
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		if s.peek(',') {
			s.i++
			continue
		}
		return s.byte('}') && s.end()
	}
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\r' || s.b[s.i] == '\n') {
		s.i++
	}
}

func (s *scanner) peek(c byte) bool { s.ws(); return s.i < len(s.b) && s.b[s.i] == c }

func (s *scanner) byte(c byte) bool {
	if !s.peek(c) {
		return false
	}
	s.i++
	return true
}

func (s *scanner) end() bool { s.ws(); return s.i == len(s.b) }

// str reads a string of printable ASCII without escapes (encoding/json
// would replace invalid UTF-8).
func (s *scanner) str() (string, bool) {
	if !s.byte('"') {
		return "", false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			v := string(s.b[start:s.i])
			s.i++
			return v, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false
		}
		s.i++
	}
	return "", false
}

func (s *scanner) null() bool {
	s.ws()
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

func (s *scanner) optStr(v *string) bool {
	if s.null() {
		*v = ""
		return true
	}
	x, ok := s.str()
	*v = x
	return ok
}

// int reads an integer as JSON writes one (no leading zeros, no "+"); a
// fraction or exponent is left to encoding/json.
// optInt reads null (*p = nil) or an integer (*p points to it).
func (s *scanner) optInt(p **int64) bool {
	if s.null() {
		*p = nil
		return true
	}
	var v int64
	ok := s.int(&v)
	*p = &v
	return ok
}

func (s *scanner) int(v *int64) bool {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	if s.i-digits > 1 && s.b[digits] == '0' {
		return false
	}
	if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return false
	}
	n, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	*v = n
	return err == nil
}

// agent reads {"type":"User"|1,"id":N}.
func (s *scanner) agent(d *docUserAsset) bool {
	if s.null() {
		d.Owner = nil
		return true
	}
	a := &agentDoc{}
	if !s.byte('{') {
		return false
	}
	if s.peek('}') {
		s.i++
		d.Owner = a
		return true
	}
	var seen [2]bool
	for {
		key, ok := s.str()
		if !ok || !s.byte(':') {
			return false
		}
		switch key {
		case "type":
			if s.peek('"') {
				t, ok := s.str()
				if !ok {
					return false
				}
				a.Type = EnumText(t)
			} else {
				// As EnumText keeps it: the number's text ("-0" too).
				var n int64
				s.ws()
				start := s.i
				if !s.int(&n) {
					return false
				}
				a.Type = EnumText(s.b[start:s.i])
			}
		case "id":
			if !s.int(&a.ID) {
				return false
			}
		default:
			return false
		}
		i := 0
		if key == "id" {
			i = 1
		}
		if seen[i] {
			return false
		}
		seen[i] = true
		if s.peek(',') {
			s.i++
			continue
		}
		if !s.byte('}') {
			return false
		}
		d.Owner = a
		return true
	}
}
