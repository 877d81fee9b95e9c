package transporttest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// SecretKeys are member names under which the vendors' bodies carry
// credentials (Jelou's signingSecret and authorization, JuriChat's secret,
// the API keys and tokens a server might echo).
var SecretKeys = []string{"signingSecret", "secret", "authorization", "apiKey", "token", "password"}

// PlantSecret is for fuzz targets checking that no secret reaches an error
// text. When body is a JSON object it returns a copy with the member
// key: secret added at its top level and inside its "data" and "error"
// members when those are objects, and ok true. secret is derived from a hash
// of body, so the rest of the input cannot spell it but by a 2⁻⁹⁶ chance, and
// a match in an error text is a leak rather than a coincidence.
func PlantSecret(body []byte, key string) (out []byte, secret string, ok bool) {
	sum := sha256.Sum256(append([]byte(key+"\x00"), body...))
	secret = "sk-" + hex.EncodeToString(sum[:12])
	member, _ := json.Marshal(map[string]string{key: secret}) // {"key":"sk-…"}
	withMember := func(obj []byte) []byte {
		obj = bytes.TrimSpace(obj)
		if len(obj) < 2 || obj[0] != '{' || !json.Valid(obj) {
			return nil
		}
		rest := bytes.TrimSpace(obj[1:])
		if rest[0] == '}' {
			return member
		}
		return append(append(member[:len(member)-1:len(member)-1], ','), rest...)
	}
	top := withMember(body)
	if top == nil {
		return body, "", false
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(top, &members) != nil {
		return top, secret, true
	}
	nested := false
	for _, k := range []string{"data", "error"} {
		if inner := withMember(members[k]); inner != nil {
			members[k], nested = inner, true
		}
	}
	if !nested {
		return top, secret, true
	}
	// Re-encoding sorts the members and keeps only the last of duplicates;
	// the planted top-level member is still there.
	if out, err := json.Marshal(members); err == nil {
		return out, secret, true
	}
	return top, secret, true
}
