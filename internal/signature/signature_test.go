package signature

import (
	"strings"
	"testing"
)

// Vectors computed with:
//
//	printf %s "$body" | openssl dgst -sha256 -hmac "$secret"
var vectors = []struct {
	name, secret, body, want string
}{
	{"hello", "secret", "hello world", "sha256=734cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a"},
	{"json body", "whsec_abc123", `{"event":"webhook.test","timestamp":"2024-01-01T00:00:00Z"}`, "sha256=33a051431245d3f0c13ae778d19060f52ee37ee16a413e4d29e1935eabaa542f"},
	{"empty body", "k", "", "sha256=8bb990c40a7d61cb97597a942125025be50ac8beb74436e3735b98893a7f6620"},
	// The RFC-style example also published on Wikipedia's HMAC page.
	{"quick brown fox", "key", "The quick brown fox jumps over the lazy dog", "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"},
}

func TestSignKnownVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			if got := Sign(v.secret, []byte(v.body)); got != v.want {
				t.Errorf("Sign() = %q, want %q", got, v.want)
			}
		})
	}
}

func TestVerifyKnownVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			if !Verify(v.secret, []byte(v.body), v.want) {
				t.Error("Verify() = false for the known-good signature")
			}
			upper := Prefix + strings.ToUpper(strings.TrimPrefix(v.want, Prefix))
			if !Verify(v.secret, []byte(v.body), upper) {
				t.Error("Verify() = false for the upper-case hex digest")
			}
			if Verify(v.secret+"x", []byte(v.body), v.want) {
				t.Error("Verify() = true under a different secret")
			}
			if Verify(v.secret, []byte(v.body+" "), v.want) {
				t.Error("Verify() = true for a different body")
			}
		})
	}
}

func TestSignFormat(t *testing.T) {
	got := Sign("s", []byte("b"))
	if !strings.HasPrefix(got, Prefix) {
		t.Fatalf("Sign() = %q, want the %q prefix", got, Prefix)
	}
	hexPart := strings.TrimPrefix(got, Prefix)
	if len(hexPart) != 64 || strings.ToLower(hexPart) != hexPart {
		t.Errorf("Sign() digest %q is not 64 lowercase hex characters", hexPart)
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	body := []byte("hello world")
	good := vectors[0].want
	digest := strings.TrimPrefix(good, Prefix)
	cases := map[string]string{
		"empty":              "",
		"prefix only":        Prefix,
		"no prefix":          digest,
		"other algorithm":    "sha1=" + digest,
		"upper-case prefix":  "SHA256=" + digest,
		"leading space":      " " + good,
		"trailing space":     good + " ",
		"truncated":          good[:len(good)-2],
		"one hex char short": good[:len(good)-1],
		"extra byte":         good + "00",
		"non-hex":            Prefix + strings.Repeat("zz", 32),
		"odd length":         Prefix + strings.Repeat("a", 63),
		"one bit flipped":    Prefix + "634cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a",
		"two signatures":     good + "," + good,
	}
	for name, header := range cases {
		t.Run(name, func(t *testing.T) {
			if Verify("secret", body, header) {
				t.Errorf("Verify() = true for malformed header")
			}
		})
	}
}

func TestVerifyEmptySecret(t *testing.T) {
	body := []byte("x")
	if Verify("", body, Sign("", body)) {
		t.Error("Verify() = true with an empty secret; a misconfigured receiver must not accept anything")
	}
}
