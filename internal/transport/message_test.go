package transport

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMessageFromBody(t *testing.T) {
	vendor := func(_ int, body []byte) string {
		var v struct{ Msg string }
		_ = json.Unmarshal(body, &v)
		return v.Msg
	}
	long := strings.Repeat("word ", 200)
	cases := []struct {
		name, contentType, body string
		status                  int
		want                    string
	}{
		{"empty", "", "", 503, "Service Unavailable"},
		{"white space", "text/plain", " \n\t ", 404, "Not Found"},
		{"unknown status, empty", "", "", 599, "HTTP status 599"},
		{"vendor JSON", "application/json", `{"Msg":"Integration already exists"}`, 409, "Integration already exists"},
		{"vendor JSON multi-line", "application/json", `{"Msg":"line one\nline two"}`, 400, "line one line two"},
		{"unrecognised JSON", "application/json", `{"foo": "bar",  "n": 1}`, 500, `{"foo":"bar","n":1}`},
		{"JSON string", "application/json", `"just a string"`, 500, "just a string"},
		{"empty JSON object", "application/json", `{}`, 502, "Bad Gateway"},
		{"JSON null", "application/json", `null`, 502, "Bad Gateway"},
		{"HTML by content type", "text/html; charset=utf-8", "<h1>502 Bad Gateway</h1>\n<p>nginx</p>", 502, HTMLMessage},
		{"HTML sniffed", "", "<!DOCTYPE html><html><head><title>Oops</title></head><body>x</body></html>", 500, HTMLMessage},
		{"HTML sniffed, text/plain", "text/plain", "<html><body>Error</body></html>", 500, HTMLMessage},
		{"HTML fragment", "", "<head><title>Service Unavailable</title></head>", 503, HTMLMessage},
		{"plain text", "text/plain", "  upstream connect error or disconnect/reset before headers  \n", 503, "upstream connect error or disconnect/reset before headers"},
		{"text mentioning a tag", "text/plain", "value must be < 5", 400, "value must be < 5"},
		{"binary", "application/octet-stream", "\x00\x01\x02\xff\xfe", 500, "the server returned a non-text response (5 bytes)"},
		{"invalid JSON", "application/json", `{"message": "unterminated`, 500, `{"message": "unterminated`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MessageFromBody(c.status, c.contentType, []byte(c.body), vendor); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}

	got := MessageFromBody(500, "text/plain", []byte(long), nil)
	if n := utf8.RuneCountInString(got); n > 300 || !strings.HasSuffix(got, "…") {
		t.Errorf("long text not truncated to 300 runes: %d runes, %q", n, got[len(got)-10:])
	}
	if MessageFromBody(500, "", []byte(`{"a":1}`), nil) != `{"a":1}` {
		t.Error("nil parser should fall back to compact JSON")
	}
	// A credential a server echoes in an unrecognised body is not repeated
	// (found by FuzzMessageFromBody).
	echoed := `{"signingSecret":"s3cr3t-value","data":{"access_token":{"v":"tok-value"}},"list":[{"apiKey":"key-value"}],"ok":false}`
	want := `{"signingSecret":"[redacted]","data":{"access_token":"[redacted]"},"list":[{"apiKey":"[redacted]"}],"ok":false}`
	if got := MessageFromBody(500, "application/json", []byte(echoed), nil); got != want {
		t.Errorf("credentials in an unrecognised body:\n got %s\nwant %s", got, want)
	}
}

func TestOneLine(t *testing.T) {
	cases := map[string]string{
		"  a \n b\t\tc  ": "a b c",
		"x\x00y\x1bz":     "x y z",
		"":                "",
		"héllo wörld":     "héllo wörld",
	}
	for in, want := range cases {
		if got := OneLine(in, 0); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
	if got := OneLine("ééééé", 3); got != "éé…" {
		t.Errorf("truncation by runes: %q", got)
	}
	if got := OneLine("abc", 3); got != "abc" {
		t.Errorf("no truncation at the limit: %q", got)
	}
}

func TestJoinMessages(t *testing.T) {
	got := JoinMessages("Bad request.", "", "  bad REQUEST ", "webhookUrl: must be a valid URL", "webhookUrl: must be a valid URL.", "x\ny")
	want := "Bad request.; webhookUrl: must be a valid URL; x y"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got = JoinMessages("a must be set", "b is too long", "a must be set; b is too long", "c; a must be set")
	want = "a must be set; b is too long; c"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if JoinMessages() != "" {
		t.Error("JoinMessages() should be empty")
	}
}

func TestStrings(t *testing.T) {
	cases := map[string][]string{
		`"one"`:                         {"one"},
		`""`:                            nil,
		`["a", "b", ""]`:                {"a", "b"},
		`[{"message":"m"},{"msg":"n"}]`: {"m", "n"},
		`{"description":"d"}`:           {"d"},
		`{"other":"x"}`:                 nil,
		`null`:                          nil,
		`42`:                            {"42"},
		`[["nested"]]`:                  {"nested"},
		``:                              nil,
		`{"message":["x","y"]}`:         {"x", "y"},
	}
	for in, want := range cases {
		if got := Strings(json.RawMessage(in)); !reflect.DeepEqual(got, want) {
			t.Errorf("Strings(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestJoinForStatus(t *testing.T) {
	cases := []struct {
		status int
		msgs   []string
		want   string
	}{
		{400, []string{"Bad Request", "url must be https"}, "url must be https"},
		{400, []string{"bad request.", "url must be https"}, "url must be https"},
		{400, []string{"Bad Request"}, "Bad Request"},
		{404, []string{"Not Found", "Webhook not found"}, "Webhook not found"},
		{409, []string{"Office suspended", "Conflict"}, "Office suspended"},
		{500, nil, ""},
	}
	for _, c := range cases {
		if got := JoinForStatus(c.status, c.msgs...); got != c.want {
			t.Errorf("JoinForStatus(%d, %q) = %q, want %q", c.status, c.msgs, got, c.want)
		}
	}
}
