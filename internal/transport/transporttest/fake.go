// Package transporttest holds test doubles for the API clients built on the
// transport package: a scripted fake API server that records the requests
// it receives, and a way to drop a connection the way a broken network does.
//
// It is for tests only: the clients' own packages never import it, only
// their _test.go files do. It depends on the standard library alone.
package transporttest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Request is one request a Fake received.
type Request struct {
	Method, Path, RawPath, Query string
	Header                       http.Header
	Body                         string
}

// Fake is a scripted API server: it records every request and answers with
// the status, content type and body the test sets (200, application/json and
// an empty body until told otherwise).
type Fake struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []Request
	status int
	body   string
	ctype  string
}

// NewFake starts a Fake on loopback and closes it when the test ends.
func NewFake(t *testing.T) *Fake {
	t.Helper()
	f := &Fake{status: 200, ctype: "application/json"}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, Request{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(b)})
		status, body, ctype := f.status, f.body, f.ctype
		f.mu.Unlock()
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(f.Close)
	return f
}

// Reply makes the next answers carry status and body.
func (f *Fake) Reply(status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body = status, body
}

// SetContentType makes the next answers carry Content-Type ctype; with ""
// they carry none.
func (f *Fake) SetContentType(ctype string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ctype = ctype
}

// Last returns the latest request received, and fails the test when none
// was.
func (f *Fake) Last(t *testing.T) Request {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		t.Fatal("no request reached the server")
	}
	return f.reqs[len(f.reqs)-1]
}

// Count returns how many requests were received.
func (f *Fake) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}
