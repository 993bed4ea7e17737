package inventory

import "strconv"

// scanUserAsset decodes the common shape of a userAsset line without
// reflection: a flat object of the docUserAsset keys (plus "kind"), with
// plain strings, integers, nulls and the owner object. It reports false for
// anything else (an escape in a string, an unknown key, a fraction), and
// the caller then decodes with encoding/json, whose errors and rules stay
// the reference. Decoding was most of the parse cost of a bulk import.
func scanUserAsset(b []byte, d *docUserAsset) bool {
	s := scanner{b: b}
	if !s.byte('{') {
		return false
	}
	if s.peek('}') {
		s.i++
		return s.end()
	}
	for {
		key, ok := s.str()
		if !ok || !s.byte(':') {
			return false
		}
		switch key {
		case "kind":
			if _, ok := s.str(); !ok {
				return false
			}
		case "userAssetId":
			ok = s.int(&d.UserAssetID)
		case "assetId":
			ok = s.int(&d.AssetID)
		case "serialNumber":
			if s.null() {
				d.Serial = nil
			} else {
				var v int64
				ok = s.int(&v)
				d.Serial = &v
			}
		case "owner":
			ok = s.agent(d)
		case "collectibleItemInstanceId":
			ok = s.optStr(&d.InstanceID)
		case "holdUntil":
			ok = s.optStr(&d.HoldUntil)
		case "expireAt":
			ok = s.optStr(&d.ExpireAt)
		case "created":
			ok = s.optStr(&d.Created)
		case "updated":
			ok = s.optStr(&d.Updated)
		default:
			return false
		}
		if !ok {
			return false
		}
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

// str reads a string without escapes or control characters.
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
		case c == '\\' || c < 0x20:
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

// int reads an integer; a fraction or exponent is left to encoding/json.
func (s *scanner) int(v *int64) bool {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
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
	for !s.peek('}') {
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
				var n int64
				if !s.int(&n) {
					return false
				}
				a.Type = EnumText(strconv.FormatInt(n, 10))
			}
		case "id":
			if !s.int(&a.ID) {
				return false
			}
		default:
			return false
		}
		if s.peek(',') {
			s.i++
		}
	}
	s.i++
	d.Owner = a
	return true
}
