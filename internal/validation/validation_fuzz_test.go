package validation

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
)

// FuzzURLs: WebhookURL and BaseURL never panic, decide the same way twice,
// accept what they document (an https URL with a host; http on a loopback
// host) and refuse what they document (credentials, other schemes); BaseURL
// is stricter than WebhookURL; and no error repeats the URL's password.
func FuzzURLs(f *testing.F) {
	for _, s := range []string{
		"https://crm.example.com/webhooks/jurichat", "http://127.0.0.1:8089/jelou", "http://localhost/x", "http://[::1]:9/",
		"http://example.com/", "ftp://example.com", "https://user:pass@example.com/", "https://example.com/?q=1#f",
		" https://example.com", "https://", "/relative", "https://exa mple.com", "HTTPS://EXAMPLE.COM", "http://app.localhost./",
		"https://%zz", "http://127.1/",
	} {
		f.Add(s, "p4ssw0rd")
	}
	f.Fuzz(func(t *testing.T, raw, password string) {
		if len(raw) > 4096 {
			return
		}
		webErr, baseErr := WebhookURL(raw), BaseURL(raw)
		if (WebhookURL(raw) == nil) != (webErr == nil) || (BaseURL(raw) == nil) != (baseErr == nil) {
			t.Fatalf("not deterministic for %q", raw)
		}
		if webErr != nil && baseErr == nil {
			t.Fatalf("BaseURL accepts %q, which WebhookURL refuses: %v", raw, webErr)
		}
		if webErr == nil {
			u, err := url.Parse(raw)
			if err != nil || u.Host == "" || u.User != nil || strings.TrimSpace(raw) != raw {
				t.Fatalf("WebhookURL accepted %q", raw)
			}
			switch strings.ToLower(u.Scheme) {
			case "https":
			case "http":
				if !IsLoopbackHost(u.Hostname()) {
					t.Fatalf("WebhookURL accepted plain http to %q", u.Hostname())
				}
			default:
				t.Fatalf("WebhookURL accepted the scheme %q", u.Scheme)
			}
		}

		// The same URL with a user:password added: refused, the password
		// unsaid. It starts with a marker derived from the input, which the
		// rest of the input cannot spell.
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return
		}
		sum := sha256.Sum256([]byte(raw + "\x00" + password))
		marker := "pw" + hex.EncodeToString(sum[:12])
		u.User = url.UserPassword("user", marker+password)
		withCreds := u.String()
		for name, check := range map[string]func(string) error{"WebhookURL": WebhookURL, "BaseURL": BaseURL} {
			err := check(withCreds)
			if err == nil {
				t.Fatalf("%s accepted %q, which embeds credentials", name, withCreds)
			}
			if strings.Contains(err.Error(), marker) {
				t.Fatalf("%s's error repeats the password: %v", name, err)
			}
		}
	})
}

// FuzzHeaderName: HeaderName is exactly RFC 9110's token rule.
func FuzzHeaderName(f *testing.F) {
	for _, s := range []string{"X-Team", "Authorization", "x_custom.v2", "!#$%&'*+-.^_`|~", "", "X Team", "X:Team", "Ünï", "a\x00b", "a\r\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		want := name != ""
		for _, c := range []byte(name) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
				want = false
			}
		}
		if got := HeaderName(name); got != want {
			t.Fatalf("HeaderName(%q) = %v, want %v", name, got, want)
		}
	})
}
