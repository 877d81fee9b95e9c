// Package signature signs and verifies webhook bodies the way Jelou
// (X-Jelou-Signature) and JuriChat (X-JuriChat-Signature) do:
// "sha256=" followed by the lowercase hex HMAC-SHA256 of the exact body bytes,
// keyed with the shared secret. There is no timestamp in either scheme.
package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Prefix starts every signature header value.
const Prefix = "sha256="

// Sign returns "sha256=<lowercase hex HMAC-SHA256(secret, body)>".
func Sign(secret string, body []byte) string {
	return Prefix + hex.EncodeToString(mac(secret, body))
}

// Verify reports whether header is a valid signature of body under secret.
// The "sha256=" prefix is required (matched case-sensitively, as sent), the
// hex digest may be upper- or lower-case, and the comparison runs in constant
// time. Malformed input (missing prefix, bad hex, wrong length) and an empty
// secret never verify; Verify never panics.
func Verify(secret string, body []byte, header string) bool {
	if secret == "" {
		return false
	}
	digest, ok := strings.CutPrefix(header, Prefix)
	if !ok || len(digest) != hex.EncodedLen(sha256.Size) {
		return false
	}
	got, err := hex.DecodeString(digest)
	if err != nil {
		return false
	}
	return hmac.Equal(got, mac(secret, body))
}

func mac(secret string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write(body)
	return h.Sum(nil)
}
