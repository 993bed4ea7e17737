package api

import (
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// Every JSON body inventoryd writes escapes strings as Roblox's ASP.NET
// services do with Newtonsoft.Json's default StringEscapeHandling
// (JavaScriptUtils.WriteEscapedJavaScriptString): control characters
// (\b \f \n \r \t, the rest as \u00XX in lower-case hex), '"' and '\'
// only, plus U+0085, U+2028 and U+2029 as \u escapes. &, <, > and the
// apostrophe stay as they are, where encoding/json writes \u0026, \u003c
// and \u003e by default. marshalJSON is encoding/json with that escaping
// (inventory.JSONEncoder, which the export's records use too);
// appendString is the same for the hand-written appenders.

// marshalJSON is json.Marshal with Newtonsoft's default string escaping.
func marshalJSON(v any) ([]byte, error) { return marshalJSONIndent(v, "") }

// marshalJSONIndent is json.MarshalIndent (prefix "") with Newtonsoft's
// default string escaping; indent "" is compact.
func marshalJSONIndent(v any, indent string) ([]byte, error) {
	var e inventory.JSONEncoder
	return e.Encode(v, indent)
}

// Hand-written JSON appenders for the hot wire types: a listing page spent
// more CPU in encoding/json's reflection than in its SQL (docs/performance.md).
// Each appender writes exactly the bytes marshalJSON writes for the same
// value (field order, null for nil pointers, string escaping);
// wirejson_test.go checks that on edge cases.

// jsonAppender is a value that appends its own JSON encoding.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const hexDigits = "0123456789abcdef"

// appendString appends s as marshalJSON does: Newtonsoft's escaping
// (above), and invalid UTF-8 as \ufffd, as encoding/json writes it (a .NET
// string cannot hold any).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u0085' || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendOptString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

func appendOptInt(b []byte, v *int64) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *v, 10)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

func appendTime(b []byte, t robloxTime) []byte {
	b = append(b, '"')
	b = appendTimeLayout(b, time.Time(t).UTC())
	return append(b, '"')
}

// appendTimeLayout is t.AppendFormat(b, timeLayout) for a UTC time,
// written out by hand: a 100-row page has 200 dates, and the general
// formatter was a fifth of such a page's CPU. Years outside 0-9999 take
// the general formatter (TestAppendTimeLayout compares the two).
func appendTimeLayout(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, timeLayout)
	}
	hour, min, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+min/10), byte('0'+min%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	return b
}

func appendOptTime(b []byte, t *robloxTime) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	return appendTime(b, *t)
}

func (v *relatedEntity) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, v.ID, 10)
	b = append(b, `,"type":`...)
	b = appendString(b, v.Type)
	b = append(b, `,"name":`...)
	b = appendString(b, v.Name)
	return append(b, '}')
}

func (v *assetOwner) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, v.ID, 10)
	b = append(b, `,"collectibleItemInstanceId":`...)
	b = appendOptString(b, v.CollectibleItemInstanceID)
	b = append(b, `,"serialNumber":`...)
	b = appendOptInt(b, v.SerialNumber)
	b = append(b, `,"owner":`...)
	if v.Owner == nil {
		b = append(b, "null"...)
	} else {
		b = v.Owner.appendJSON(b)
	}
	b = append(b, `,"created":`...)
	b = appendTime(b, v.Created)
	b = append(b, `,"updated":`...)
	b = appendTime(b, v.Updated)
	return append(b, '}')
}

func (v *userAssetItemV2) appendJSON(b []byte) []byte {
	b = append(b, `{"assetId":`...)
	b = strconv.AppendInt(b, v.AssetID, 10)
	b = append(b, `,"name":`...)
	b = appendString(b, v.Name)
	b = append(b, `,"assetType":`...)
	b = appendString(b, v.AssetType)
	b = append(b, `,"created":`...)
	b = appendTime(b, v.Created)
	return append(b, '}')
}

func (v *inventoryItem) appendJSON(b []byte) []byte {
	b = append(b, `{"userAssetId":`...)
	b = strconv.AppendInt(b, v.UserAssetID, 10)
	b = append(b, `,"assetId":`...)
	b = strconv.AppendInt(b, v.AssetID, 10)
	b = append(b, `,"assetName":`...)
	b = appendString(b, v.AssetName)
	b = append(b, `,"collectibleItemId":`...)
	b = appendOptString(b, v.CollectibleItemID)
	b = append(b, `,"collectibleItemInstanceId":`...)
	b = appendOptString(b, v.CollectibleItemInstanceID)
	b = append(b, `,"serialNumber":`...)
	b = appendOptInt(b, v.SerialNumber)
	b = append(b, `,"owner":{"userId":`...)
	b = strconv.AppendInt(b, v.Owner.UserID, 10)
	b = append(b, `,"username":`...)
	b = appendString(b, v.Owner.Username)
	b = append(b, `,"buildersClubMembershipType":`...)
	b = strconv.AppendInt(b, int64(v.Owner.Membership), 10)
	b = append(b, `},"created":`...)
	b = appendTime(b, v.Created)
	b = append(b, `,"updated":`...)
	b = appendTime(b, v.Updated)
	b = append(b, `,"expireAt":`...)
	b = appendOptTime(b, v.ExpireAt)
	return append(b, '}')
}

func (v *collectibleUserAsset) appendJSON(b []byte) []byte {
	b = append(b, `{"userAssetId":`...)
	b = strconv.AppendInt(b, v.UserAssetID, 10)
	b = append(b, `,"serialNumber":`...)
	b = appendOptInt(b, v.SerialNumber)
	b = append(b, `,"assetId":`...)
	b = strconv.AppendInt(b, v.AssetID, 10)
	b = append(b, `,"name":`...)
	b = appendString(b, v.Name)
	b = append(b, `,"recentAveragePrice":`...)
	b = appendOptInt(b, v.RecentAveragePrice)
	b = append(b, `,"originalPrice":`...)
	b = appendOptInt(b, v.OriginalPrice)
	b = append(b, `,"assetStock":`...)
	b = appendOptInt(b, v.AssetStock)
	b = append(b, `,"buildersClubMembershipType":`...)
	b = strconv.AppendInt(b, int64(v.Membership), 10)
	b = append(b, `,"isOnHold":`...)
	b = appendBool(b, v.IsOnHold)
	return append(b, '}')
}

func (v *collectibleItemOwner) appendJSON(b []byte) []byte {
	b = append(b, `{"collectibleItemInstanceId":`...)
	b = appendOptString(b, v.CollectibleItemInstanceID)
	b = append(b, `,"serialNumber":`...)
	b = appendOptInt(b, v.SerialNumber)
	b = append(b, `,"owner":`...)
	if v.Owner == nil {
		b = append(b, "null"...)
	} else {
		b = v.Owner.appendJSON(b)
	}
	return append(b, '}')
}

func (v *itemModel) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, v.ID, 10)
	b = append(b, `,"name":`...)
	b = appendString(b, v.Name)
	b = append(b, `,"type":`...)
	b = appendString(b, v.Type)
	b = append(b, `,"instanceId":`...)
	b = appendOptInt(b, v.InstanceID)
	return append(b, '}')
}

// appendJSON encodes the page with the rows' appenders; ok is false when T
// has none (the caller falls back to encoding/json). A nil Data encodes as
// null, as json.Marshal does.
func (p pageBody[T]) appendJSON(b []byte) ([]byte, bool) {
	if len(p.Data) > 0 {
		if _, ok := any(&p.Data[0]).(jsonAppender); !ok {
			return b, false
		}
	}
	b = append(b, `{"previousPageCursor":`...)
	b = appendOptString(b, p.PreviousPageCursor)
	b = append(b, `,"nextPageCursor":`...)
	b = appendOptString(b, p.NextPageCursor)
	b = append(b, `,"data":`...)
	if p.Data == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Data {
			if i > 0 {
				b = append(b, ',')
			}
			b = any(&p.Data[i]).(jsonAppender).appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}'), true
}

// pageAppender is implemented by every pageBody[T].
type pageAppender interface {
	appendJSON(b []byte) ([]byte, bool)
}
