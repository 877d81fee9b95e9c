package acctest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// Responder writes a broken answer; next is the emulator, for responders
// that let the request through and spoil the answer.
type Responder func(w http.ResponseWriter, r *http.Request, next http.Handler)

// FaultServer serves an emulator on 127.0.0.1, except for the one route
// with an active fault, which it answers with the fault's responder. It
// counts the requests each route received while faulty. Routes are the
// names the function given to NewFaultServer gives requests.
type FaultServer struct {
	*httptest.Server
	Emu *emulator.Emulator

	mu     sync.Mutex
	route  string
	fault  Responder
	faulty map[string]int
}

// NewFaultServer starts a FaultServer in front of a new emulator with the
// default options, and closes it when the test ends. routeOf names the route
// of a request ("" for none).
func NewFaultServer(t *testing.T, routeOf func(*http.Request) string) *FaultServer {
	t.Helper()
	s := &FaultServer{Emu: emulator.New(emulator.DefaultOptions()), faulty: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		fault := s.fault
		hit := fault != nil && routeOf(r) == s.route
		if hit {
			s.faulty[s.route]++
		}
		s.mu.Unlock()
		if hit {
			fault(w, r, s.Emu)
			return
		}
		s.Emu.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// Fail makes route answer with respond, from the next request on.
func (s *FaultServer) Fail(route string, respond Responder) func() {
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.route, s.fault = route, respond
	}
}

// Heal lets every request through to the emulator again.
func (s *FaultServer) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.route, s.fault = "", nil
}

// FaultyRequests returns how many requests route received while faulty.
func (s *FaultServer) FaultyRequests(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faulty[route]
}

// Reply answers with a fixed status, content type and body, plus header
// pairs ("Retry-After", "0").
func Reply(status int, contentType, body string, header ...string) Responder {
	return func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// HugeBody answers 200 with a JSON body larger than the clients' 10 MiB
// limit: prefix, 11 MiB of "a", then suffix (prefix opens a string member
// that suffix closes).
func HugeBody(prefix, suffix string) Responder {
	return func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(prefix))
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range 11 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(suffix))
	}
}

// WithoutFields lets the request through and removes the given members from
// the object in the answer: from its "data" member when that is an object
// (an envelope), else from the object itself.
func WithoutFields(fields ...string) Responder {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var top map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &top); err != nil {
			http.Error(w, "the test's fault server could not decode the emulator's answer", http.StatusTeapot)
			return
		}
		obj := top
		if data, ok := top["data"].(map[string]any); ok {
			obj = data
		}
		for _, f := range fields {
			delete(obj, f)
		}
		body, _ := json.Marshal(top)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}
}

// Pages a server may answer with instead of an API answer: a sign-in page
// (a proxy or portal in front of the API) and a gateway's error page.
const (
	HTMLLoginPage = `<!DOCTYPE html>
<html><head><title>Sign in</title></head>
<body><form action="/login" method="post"><input name="user"><input name="password" type="password"></form></body></html>`
	HTMLErrorPage = `<html>
<head><title>500 Internal Server Error</title></head>
<body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body>
</html>`
)

// BrokenResponse is one way an answer can be broken, the operations it is
// tried on, and the problem the diagnostic must name (an ErrorPattern
// fragment, after the operation's summary). ProblemFor overrides it per
// operation.
type BrokenResponse struct {
	Respond    Responder
	Ops        []string
	Problem    string
	ProblemFor map[string]string
}

// Pattern is the ErrorPattern of op failing on b: op's summary (from
// opSummary), then the problem.
func (b BrokenResponse) Pattern(opSummary map[string]string, op string) string {
	p := b.Problem
	if o, ok := b.ProblemFor[op]; ok {
		p = o
	}
	return regexp.QuoteMeta(opSummary[op]) + ".*" + p
}

// Has reports whether b is tried on op.
func (b BrokenResponse) Has(op string) bool { return slices.Contains(b.Ops, op) }
