package transport

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

type seen struct {
	method, path, rawPath, query string
	header                       http.Header
	body                         []byte
}

func newRequester(t *testing.T, basePath string, h http.HandlerFunc) (*Requester, func() seen) {
	t.Helper()
	var mu sync.Mutex
	var last seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		last = seen{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), b}
		mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	base, err := url.Parse(srv.URL + basePath)
	if err != nil {
		t.Fatal(err)
	}
	r := &Requester{
		HTTPClient:   NewHTTPClient(fast(nil)),
		BaseURL:      base,
		Service:      "Test",
		UserAgent:    "test-agent/1.0",
		Authenticate: func(h http.Header) { h.Set("X-Test-Key", "super-secret-key") },
		ErrorMessage: func(_ int, body []byte) string {
			var v struct{ Message json.RawMessage }
			_ = json.Unmarshal(body, &v)
			return JoinMessages(Strings(v.Message)...)
		},
		Redact: []string{"super-secret-key"},
	}
	return r, func() seen { mu.Lock(); defer mu.Unlock(); return last }
}

func TestRequesterSendsRequest(t *testing.T) {
	r, last := newRequester(t, "/base/", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	seg, err := PathSegment("id", "a b/c?d")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.Do(context.Background(), http.MethodPost, "/v1/things/"+seg, url.Values{"page": {"2"}, "q": {"x y"}}, map[string]any{"name": "n"})
	if err != nil {
		t.Fatal(err)
	}
	got := last()
	if got.method != "POST" || got.path != "/base/v1/things/a b/c?d" || got.rawPath != "/base/v1/things/a%20b%2Fc%3Fd" {
		t.Errorf("request line: %s %s (%s)", got.method, got.path, got.rawPath)
	}
	if got.query != "page=2&q=x+y" {
		t.Errorf("query %q", got.query)
	}
	for k, want := range map[string]string{
		"Accept": "application/json", "Content-Type": "application/json",
		"User-Agent": "test-agent/1.0", "X-Test-Key": "super-secret-key",
	} {
		if got.header.Get(k) != want {
			t.Errorf("header %s = %q, want %q", k, got.header.Get(k), want)
		}
	}
	if string(got.body) != `{"name":"n"}` {
		t.Errorf("body %s", got.body)
	}
	var out struct{ OK bool }
	if err := resp.DecodeJSON(&out); err != nil || !out.OK || resp.StatusCode != 200 {
		t.Errorf("decode: %v %+v", err, out)
	}
}

func TestRequesterNoBodyNoContentType(t *testing.T) {
	r, last := newRequester(t, "", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
	if _, err := r.Do(context.Background(), http.MethodDelete, "/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	got := last()
	if got.header.Get("Content-Type") != "" || len(got.body) != 0 || got.query != "" {
		t.Errorf("bodiless request sent Content-Type %q, body %q, query %q", got.header.Get("Content-Type"), got.body, got.query)
	}
}

func TestRequesterAPIError(t *testing.T) {
	r, _ := newRequester(t, "/base", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(409)
		_, _ = w.Write([]byte(`{"message":["already exists","key super-secret-key rejected","value \"Bearer body-cred\" is invalid"]}`))
	})
	_, err := r.Do(context.Background(), http.MethodPost, "/v1/things/p1", url.Values{"a": {"b"}}, struct{}{}, "Bearer body-cred", "abc")
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if apiErr.StatusCode != 409 || apiErr.Method != "POST" || apiErr.Path != "/v1/things/p1" || apiErr.URLPath != "/base/v1/things/p1" {
		t.Errorf("APIError fields: %+v", apiErr)
	}
	// The call as a wrong base URL shows in it: the whole path, no query.
	if got := apiErr.Called(); got != "POST /base/v1/things/p1" {
		t.Errorf("Called() = %q, want %q", got, "POST /base/v1/things/p1")
	}
	if apiErr.Message != `already exists; key [redacted] rejected; value "[redacted]" is invalid` {
		t.Errorf("Message = %q", apiErr.Message)
	}
	if !errors.Is(err, ErrConflict) {
		t.Error("errors.Is(err, ErrConflict) = false")
	}
	if strings.Contains(err.Error(), "super-secret-key") {
		t.Error("error text carries the credential")
	}
}

func TestRequesterResponseCap(t *testing.T) {
	big := `{"pad":"` + strings.Repeat("x", 2000) + `"}`
	status := 200
	r, _ := newRequester(t, "", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(big))
	})
	r.MaxResponseBytes = 1000
	_, err := r.Do(context.Background(), http.MethodGet, "/big", nil, nil)
	if !errors.Is(err, ErrUnexpectedResponse) || !strings.Contains(err.Error(), "larger than 1000 bytes") {
		t.Errorf("oversized 2xx: %v", err)
	}
	status = 500
	_, err = r.Do(context.Background(), http.MethodGet, "/big", nil, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || len(apiErr.Message) > 310*3 {
		t.Errorf("oversized error body: %v", err)
	}
}

func TestResponseDecodeErrors(t *testing.T) {
	body := ""
	r, _ := newRequester(t, "", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) })
	cases := map[string]string{
		"":                  "GET /v1/x: unexpected response from Test (HTTP 200): empty body",
		"<html>oops</html>": "GET /v1/x: unexpected response from Test (HTTP 200): the server returned an HTML page instead of an API answer; check base_url (the provider called GET /v1/x)",
		`{"id": 5}`:         "GET /v1/x: unexpected response from Test (HTTP 200): unexpected JSON shape: field id is a JSON number",
		`[1,2]`:             "GET /v1/x: unexpected response from Test (HTTP 200): unexpected JSON shape: the body is a JSON array",
	}
	for in, want := range cases {
		body = in
		resp, err := r.Do(context.Background(), http.MethodGet, "/v1/x", nil, nil)
		if err == nil {
			var out struct {
				ID string `json:"id"`
			}
			err = resp.DecodeJSON(&out)
		}
		if !errors.Is(err, ErrUnexpectedResponse) || err.Error() != want {
			t.Errorf("body %q: err = %v, want %q", in, err, want)
		}
	}
}

func TestRequesterTransportError(t *testing.T) {
	base, _ := url.Parse("http://" + closedAddr(t) + "/root")
	r := &Requester{HTTPClient: NewHTTPClient(fast(nil)), BaseURL: base, Service: "Test",
		Authenticate: func(h http.Header) { h.Set("Authorization", "Bearer tok-123456") }}
	_, err := r.Do(context.Background(), http.MethodGet, "/v1/x", nil, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "Test API: GET /v1/x: giving up after 4 attempts") {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(err.Error(), "tok-123456") {
		t.Error("error carries the token")
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = r.Do(ctx, http.MethodGet, "/v1/x", nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestRequesterEncodeError(t *testing.T) {
	r, _ := newRequester(t, "", func(http.ResponseWriter, *http.Request) { t.Error("request sent") })
	if _, err := r.Do(context.Background(), http.MethodPost, "/x", nil, map[string]any{"c": make(chan int)}); err == nil {
		t.Error("expected an encoding error")
	}
}

func TestPathSegment(t *testing.T) {
	for in, want := range map[string]string{"p1": "p1", "a/b": "a%2Fb", "a b": "a%20b", "ñ": "%C3%B1", "..x": "..x"} {
		got, err := PathSegment("id", in)
		if err != nil || got != want {
			t.Errorf("PathSegment(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " ", ".", ".."} {
		if _, err := PathSegment("project ID", bad); err == nil {
			t.Errorf("PathSegment(%q) accepted", bad)
		}
	}
}

func TestResponseEnvelope(t *testing.T) {
	resp := func(body string) *Response { return &Response{StatusCode: 200, Body: []byte(body), service: "Test"} }
	cases := map[string]string{
		`{"status":1,"data":{"id":"a"}}`:   `{"id":"a"}`,
		`{"data":[{"id":"a"}]}`:            `{"id":"a"}`,
		`{"id":"a"}`:                       `{"id":"a"}`,
		`{"id":"a","data":"text"}`:         `{"id":"a","data":"text"}`,
		`{"data":null}`:                    `{"data":null}`,
		`{"data":[{"id":"a"},{"id":"b"}]}`: `{"data":[{"id":"a"},{"id":"b"}]}`,
		`{"data":["x"]}`:                   `{"data":["x"]}`,
		` {"data": {"nested":{"x":1}} } `:  `{"nested":{"x":1}}`, //nolint:gocritic // mapKey: the surrounding white space is what this case tests
	}
	for in, want := range cases {
		got, err := resp(in).Envelope("data")
		if err != nil || string(got) != want {
			t.Errorf("Envelope(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{``, `[]`, `"s"`, `{bad`} {
		if _, err := resp(bad).Envelope("data"); !errors.Is(err, ErrUnexpectedResponse) {
			t.Errorf("Envelope(%q) err = %v", bad, err)
		}
	}
}

func TestFlexString(t *testing.T) {
	var v struct {
		A, B, C, D, E FlexString
	}
	if err := json.Unmarshal([]byte(`{"A":"s","B":12,"C":null,"D":true,"E":1.5e3}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "s" || v.B != "12" || v.C != "" || v.D != "true" || v.E != "1.5e3" {
		t.Errorf("got %+v", v)
	}
	for _, bad := range []string{`{"A":{}}`, `{"A":[1]}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// Through the Requester, ErrOutcomeUnknown marks a POST that may have been
// acted on, beside the status sentinels, which keep working.
func TestRequesterOutcomeUnknown(t *testing.T) {
	type answer struct {
		status int
		drop   bool // read the request, then close the connection
		short  bool // answer 200 with a body cut short
	}
	cases := []struct {
		name    string
		method  string
		answer  answer
		unknown bool
		also    error
	}{
		{"POST dropped", http.MethodPost, answer{drop: true}, true, nil},
		{"PATCH dropped", http.MethodPatch, answer{drop: true}, true, nil},
		{"POST 200 cut short", http.MethodPost, answer{short: true}, true, nil},
		{"GET 200 cut short", http.MethodGet, answer{short: true}, false, nil},
		{"POST 500", http.MethodPost, answer{status: 500}, true, nil},
		{"POST 502", http.MethodPost, answer{status: 502}, true, nil},
		{"POST 504", http.MethodPost, answer{status: 504}, true, nil},
		{"POST 503", http.MethodPost, answer{status: 503}, false, nil},
		{"POST 429", http.MethodPost, answer{status: 429}, false, nil},
		{"POST 409", http.MethodPost, answer{status: 409}, false, ErrConflict},
		{"POST 400", http.MethodPost, answer{status: 400}, false, ErrValidation},
		{"PATCH 500", http.MethodPatch, answer{status: 500}, false, nil},
		{"PATCH 404", http.MethodPatch, answer{status: 404}, false, ErrNotFound},
		{"GET 502", http.MethodGet, answer{status: 502}, false, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, _ := newRequester(t, "", func(w http.ResponseWriter, _ *http.Request) {
				switch {
				case c.answer.drop:
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						conn.Close()
					}
				case c.answer.short:
					w.Header().Set("Content-Length", "100")
					w.WriteHeader(200)
					_, _ = w.Write([]byte(`{"id":`))
					if f, ok := w.(http.Flusher); ok {
						f.Flush()
					}
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						conn.Close()
					}
				default:
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(c.answer.status)
					_, _ = w.Write([]byte(`{"message":"an API error"}`))
				}
			})
			// A 429 is waited out whatever MaxRetries says: the short
			// throttle budget hands it to the caller after a few tries.
			r.HTTPClient = NewHTTPClient(Options{MaxRetries: -1, RetryWaitMin: 10 * time.Millisecond, ThrottleBudget: 200 * time.Millisecond})
			var body any
			if c.method != http.MethodGet {
				body = map[string]string{"k": "v"}
			}
			_, err := r.Do(context.Background(), c.method, "/v1/things", nil, body)
			if err == nil {
				t.Fatal("expected an error")
			}
			if got := errors.Is(err, ErrOutcomeUnknown); got != c.unknown {
				t.Errorf("errors.Is(err, ErrOutcomeUnknown) = %v, want %v: %v", got, c.unknown, err)
			}
			if c.also != nil && !errors.Is(err, c.also) {
				t.Errorf("errors.Is(err, %v) = false: %v", c.also, err)
			}
			if strings.Contains(err.Error(), "super-secret-key") {
				t.Error("error text carries the credential")
			}
		})
	}
}

// The API's answer to an unknown route ("Cannot GET /…", as a wrong base URL
// path gives) is NoRoute, not ErrNotFound: it says nothing about the object.
func TestRequesterNoRoute(t *testing.T) {
	message := `{"message":"Cannot GET /base/v1/things/p1","statusCode":404}`
	r, _ := newRequester(t, "/base", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(message))
	})
	_, err := r.Do(context.Background(), http.MethodGet, "/v1/things/p1", nil, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.NoRoute || errors.Is(err, ErrNotFound) {
		t.Errorf("unknown route: %#v, ErrNotFound %v; want NoRoute and not ErrNotFound", apiErr, errors.Is(err, ErrNotFound))
	}
	message = `{"message":"Thing p1 not found","statusCode":404}`
	_, err = r.Do(context.Background(), http.MethodGet, "/v1/things/p1", nil, nil)
	if !errors.As(err, &apiErr) || apiErr.NoRoute || !errors.Is(err, ErrNotFound) {
		t.Errorf("the API's own 404: %#v; want ErrNotFound", apiErr)
	}
}
