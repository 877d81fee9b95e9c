package transport

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// FuzzParseRetryAfter: any header value parses without panic to a delay
// between 0 and 24 hours (or none), the same twice; and the two forms a
// server sends round-trip: delay seconds, and an HTTP date that many
// seconds after now.
func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, v := range []string{"0", "1", "120", "86400", "86401", "-1", "9223372036854775807", "99999999999999999999",
		"Sun, 01 Mar 2026 12:02:00 GMT", "Sunday, 01-Mar-26 12:02:00 GMT", "Sun Mar  1 12:02:00 2026", "Sat, 28 Feb 2026 00:00:00 GMT",
		" 5", "5s", "1.5", ""} {
		f.Add(v, int64(30))
	}
	f.Fuzz(func(t *testing.T, v string, secs int64) {
		if len(v) > 256 {
			return
		}
		d, ok := parseRetryAfter(v, now)
		if d < 0 || d > 24*time.Hour && !isHTTPDate(v) || !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v, %v", v, d, ok)
		}
		if d2, ok2 := parseRetryAfter(v, now); d2 != d || ok2 != ok {
			t.Fatalf("not deterministic for %q", v)
		}

		secs = max(secs, -secs) % (24*60*60 + 1) // 0…24h; -MinInt64 stays negative
		if secs < 0 {
			return
		}
		want := time.Duration(secs) * time.Second
		if got, ok := parseRetryAfter(strconv.FormatInt(secs, 10), now); !ok || got != want {
			t.Fatalf("%d seconds parsed as %v, %v", secs, got, ok)
		}
		date := now.Add(want).Format(http.TimeFormat)
		if got, ok := parseRetryAfter(date, now); !ok || got != want {
			t.Fatalf("%q (%d s after now) parsed as %v, %v", date, secs, got, ok)
		}
	})
}

// isHTTPDate: a date may lie any distance ahead; only delay seconds are capped.
func isHTTPDate(v string) bool {
	_, err := http.ParseTime(v)
	return err == nil
}
