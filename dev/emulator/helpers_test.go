package emulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials as header name/value pairs.
var (
	jelouKey      = []string{"x-api-key", DefaultJelouAPIKey}
	jelouBasic    = []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(DefaultJelouClientID+":"+DefaultJelouClientSecret))}
	jurichatToken = []string{"Authorization", "Bearer " + DefaultJurichatToken}
	jurichatKey   = []string{"x-jurichat-api-key", DefaultJurichatAPIKey}
)

var (
	hex24     = regexp.MustCompile(`^[0-9a-f]{24}$`)
	hex64     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	uuidLike  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	isoMillis = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
)

// fakeClock is a settable clock for Emulator.now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(e *Emulator) *fakeClock {
	c := &fakeClock{t: time.Date(2026, 1, 15, 10, 30, 0, 123456789, time.UTC)}
	e.now = c.now
	return c
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// do sends a request to h. body is sent as-is when it is a string, else as JSON
// (nil: no body). auth holds header name/value pairs.
func do(t *testing.T, h http.Handler, method, path string, body any, auth ...string) *httptest.ResponseRecorder {
	t.Helper()
	var reader *bytes.Reader
	switch b := body.(type) {
	case nil:
		reader = bytes.NewReader(nil)
	case string:
		reader = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal request body: %v", err)
		}
		reader = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, reader)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(auth); i += 2 {
		req.Header.Set(auth[i], auth[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// decode parses a JSON response into T, failing the test on invalid JSON.
func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("response (HTTP %d) is not the expected JSON: %v", rec.Code, err)
	}
	return v
}

// obj is a decoded JSON object.
type obj = map[string]any

func expectStatus(t *testing.T, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status = %d, want %d; body: %s", rec.Code, want, redact(rec.Body.String()))
	}
}

// redact hides 64-hex secrets in text that a failing test prints.
func redact(s string) string {
	return regexp.MustCompile(`[0-9a-f]{64}`).ReplaceAllString(s, "<redacted>")
}

// hmacHex computes the expected signature independently of internal/signature.
func hmacHex(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func hasKey(m obj, key string) bool { _, ok := m[key]; return ok }

// jelouData extracts the integration object from an envelope or flat response.
func jelouData(t *testing.T, rec *httptest.ResponseRecorder) obj {
	t.Helper()
	body := decode[obj](t, rec)
	if data, ok := body["data"].(obj); ok {
		return data
	}
	return body
}

// createJelou creates an integration for project and returns the data object.
func createJelou(t *testing.T, e http.Handler, project string, body any) obj {
	t.Helper()
	rec := do(t, e, "POST", "/jelou/v1/external-support/"+project, body, jelouKey...)
	expectStatus(t, rec, http.StatusOK)
	return jelouData(t, rec)
}

// createHook creates a JuriChat webhook and returns the response object.
func createHook(t *testing.T, e http.Handler, body any) obj {
	t.Helper()
	rec := do(t, e, "POST", "/jurichat/webhooks", body, jurichatToken...)
	expectStatus(t, rec, http.StatusCreated)
	return decode[obj](t, rec)
}

func hookBody(url string, events ...string) obj {
	if len(events) == 0 {
		events = []string{"webhook.test"}
	}
	return obj{"name": "CRM sync", "url": url, "events": events}
}

// errorMessage returns the message of a Fastify or Jelou error body as one string.
func errorMessage(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	body := decode[obj](t, rec)
	switch m := body["message"].(type) {
	case string:
		return m
	case []any:
		parts := make([]string, len(m))
		for i, p := range m {
			parts[i], _ = p.(string)
		}
		return strings.Join(parts, "; ")
	}
	t.Fatalf("error body has no message")
	return ""
}
