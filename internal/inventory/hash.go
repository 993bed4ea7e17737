package inventory

import (
	"crypto/sha256"
	"encoding/hex"
)

// HashToken returns the stored form of a .ROBLOSECURITY value: its SHA-256.
// Session tokens are never stored in the clear.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// HashBytes returns the hex SHA-256 of b.
func HashBytes(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
