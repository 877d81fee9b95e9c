package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// isoLayout is the ISO-8601 UTC layout with milliseconds both vendors use.
const isoLayout = "2006-01-02T15:04:05.000Z"

func iso(t time.Time) string { return t.UTC().Format(isoLayout) }

// randomHex returns 2n lowercase hex characters from crypto/rand.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never returns an error (Go 1.24+)
	return hex.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID string.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newSecret returns a 64-character lowercase hex signing secret.
func newSecret() string { return randomHex(32) }

var errEmptyBody = errors.New("empty body")

// decodeObject parses a request body that must be one JSON object. It returns
// errEmptyBody for an empty (or all-whitespace) body so that each API can decide
// what an absent body means.
func decodeObject(body io.Reader) (map[string]json.RawMessage, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errEmptyBody
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil { // the literal null
		return nil, errors.New("body is null")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return m, nil
}

// isNull reports whether a present JSON value is the literal null.
func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// asString decodes raw as a JSON string.
func asString(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// webhookURLProblem applies the project's webhook URL rule and returns what is
// wrong with raw, phrased to follow the field name ("" when the URL is fine):
// an absolute URL, https (http only for a loopback host: localhost, 127.0.0.0/8,
// ::1), no user name or password.
func webhookURLProblem(raw string) string {
	if strings.TrimSpace(raw) == "" {
		return "must not be empty"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Hostname() == "" {
		return "must be an absolute URL such as https://example.com/webhook"
	}
	if u.User != nil {
		return "must not contain a user name or password"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "must have a port between 1 and 65535"
		}
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if validation.IsLoopbackHost(u.Hostname()) {
			return ""
		}
		return "must use https (http is allowed only for localhost, 127.0.0.0/8 and ::1)"
	default:
		return fmt.Sprintf("must use https, not %q", u.Scheme)
	}
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v == nil {
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

// mustJSON marshals values built by the emulator itself, which cannot fail.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("emulator: marshal: " + err.Error())
	}
	return b
}

// tamperBody returns a different, still valid, JSON body: what a man-in-the-middle
// edit looks like to a receiver that verifies the signature of the original.
func tamperBody(body []byte) []byte {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return append(append([]byte{}, body...), ' ')
	}
	m["tampered"] = true
	return mustJSON(m)
}

// transportError turns an HTTP client error into a message without the request
// URL (a webhook URL may carry a token in its query string).
func transportError(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return err.Error()
}
