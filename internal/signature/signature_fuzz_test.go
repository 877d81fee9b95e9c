package signature

import (
	"strings"
	"testing"
)

// FuzzSignVerify: Verify never panics on any header; a body signed with a
// (non-empty) secret verifies, in lower or upper case hex; and it no longer
// verifies once one byte of the body or of the signature changes, or under
// another secret.
func FuzzSignVerify(f *testing.F) {
	for i, v := range vectors {
		f.Add(v.secret, []byte(v.body), v.want, uint16(i))
	}
	f.Add("whsec_abc", []byte(`{"event":"webhook.test","timestamp":"2026-03-01T12:00:00Z"}`), "sha256=00", uint16(0))
	f.Add("s", []byte(""), "", uint16(7))
	f.Add("ünïcode", []byte{0, 1, 2, 255}, "SHA256="+strings.Repeat("a", 64), uint16(70))
	f.Add("k", []byte("body"), "sha256="+strings.Repeat("z", 64), uint16(3))
	f.Fuzz(func(t *testing.T, secret string, body []byte, header string, pos uint16) {
		if Verify(secret, body, header) && header != Sign(secret, body) && !strings.EqualFold(header, Sign(secret, body)) {
			t.Fatalf("Verify accepted %q, which is not the signature", header)
		}
		if secret == "" {
			if Verify(secret, body, Sign(secret, body)) {
				t.Fatal("an empty secret verified")
			}
			return
		}
		sig := Sign(secret, body)
		if !strings.HasPrefix(sig, Prefix) || len(sig) != len(Prefix)+64 {
			t.Fatalf("malformed signature %q", sig)
		}
		if !Verify(secret, body, sig) || !Verify(secret, body, Prefix+strings.ToUpper(sig[len(Prefix):])) {
			t.Fatalf("the signature of the body under its secret does not verify: %q", sig)
		}
		if Verify(secret+"x", body, sig) {
			t.Fatal("verified under another secret")
		}
		if len(body) > 0 {
			mutated := append([]byte(nil), body...)
			mutated[int(pos)%len(mutated)] ^= 1 << (pos % 8)
			if Verify(secret, mutated, sig) {
				t.Fatalf("verified a changed body (byte %d)", int(pos)%len(mutated))
			}
		}
		b := []byte(sig)
		i := len(Prefix) + int(pos)%64
		b[i] = "0123456789abcdef"[(strings.IndexByte("0123456789abcdef", b[i])+1)%16]
		if Verify(secret, body, string(b)) {
			t.Fatalf("verified a changed signature %q", b)
		}
		if Verify(secret, body, sig[len(Prefix):]) {
			t.Fatal("verified a signature without its sha256= prefix")
		}
	})
}
