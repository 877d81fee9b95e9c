package transport

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport/transporttest"
)

// FuzzMessageFromBody feeds error bodies of every kind (JSON, HTML, text,
// binary) to MessageFromBody without a vendor parser: the message is one
// line of bounded length, and a credential member planted in a JSON object
// body never shows in it, whatever else the body holds.
func FuzzMessageFromBody(f *testing.F) {
	f.Add(400, "application/json", []byte(`{"statusCode":400,"error":"Bad Request","message":"url must be https"}`), uint8(0))
	f.Add(500, "application/json", []byte(`{"ok":false,"detail":{"why":"db down"}}`), uint8(1))
	f.Add(502, "text/html", []byte("<html><body><h1>502 Bad Gateway</h1></body></html>"), uint8(2))
	f.Add(503, "text/plain", []byte("upstream connect error or disconnect/reset before headers"), uint8(3))
	f.Add(500, "", []byte("\x00\x01\x02binary"), uint8(4))
	f.Add(404, "application/json", []byte(`"Cannot GET /v1/v1/external-support/p1"`), uint8(5))
	f.Add(401, "application/json", []byte(`{}`), uint8(0))
	f.Add(418, "", []byte(""), uint8(0))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte, which uint8) {
		if len(body) > 1<<16 {
			return
		}
		key := transporttest.SecretKeys[int(which)%len(transporttest.SecretKeys)]
		planted, secret, ok := transporttest.PlantSecret(body, key)
		if ok {
			body = planted
		}
		msg := MessageFromBody(status, contentType, body, nil)
		checkMessage(t, msg, maxTextMessage)
		if ok && strings.Contains(msg, secret) {
			t.Fatalf("the message repeats the %s planted in the body:\nbody: %s\nmessage: %s", key, body, msg)
		}
		if again := MessageFromBody(status, contentType, body, nil); again != msg {
			t.Fatalf("not deterministic: %q then %q", msg, again)
		}
	})
}

// checkMessage holds what every error message is: non-empty, one line,
// valid UTF-8, at most limit runes.
func checkMessage(t *testing.T, msg string, limit int) {
	t.Helper()
	switch {
	case msg == "":
		t.Fatal("empty message")
	case strings.ContainsAny(msg, "\r\n\t\x00"):
		t.Fatalf("message is not one line: %q", msg)
	case !utf8.ValidString(msg):
		t.Fatalf("message is not valid UTF-8: %q", msg)
	case utf8.RuneCountInString(msg) > limit:
		t.Fatalf("message has %d runes, more than %d", utf8.RuneCountInString(msg), limit)
	}
}

// FuzzStrings reads arbitrary bytes as message values: no panic; and for
// valid JSON, which is all its callers pass it (members of a body that
// MessageFromBody has checked), every string it returns comes from the input.
func FuzzStrings(f *testing.F) {
	for _, s := range []string{`"text"`, `["a",1,true,null,{"message":"b"}]`, `{"description":{"msg":"c"}}`, `[[["deep"]]]`, `{"detail":[]}`, `12e400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 1<<16 {
			return
		}
		got := Strings(json.RawMessage(raw))
		if !json.Valid(raw) {
			return // not a caller's input (seed invalid-scalar: Strings("A") is ["A"])
		}
		for _, s := range got {
			// A decoded escape (\u0041) or invalid UTF-8 (U+FFFD once decoded;
			// seed invalid-utf8-string) need not appear verbatim; a plain value must.
			if !bytes.Contains(raw, []byte(s)) && !bytes.Contains(raw, []byte(`\`)) && utf8.Valid(raw) {
				t.Fatalf("%q does not come from the input %s", s, raw)
			}
		}
	})
}
