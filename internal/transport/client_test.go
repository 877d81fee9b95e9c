package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// step is one scripted answer; the last step repeats.
type step struct {
	status int
	header map[string]string
	body   string
	hangup bool // read the request, then drop the connection without answering
	reset  bool // read the request, then reset the connection (TCP RST)
	delay  time.Duration
}

type recorded struct {
	method, path, rawQuery string
	body                   []byte
}

type scripted struct {
	*httptest.Server
	mu    sync.Mutex
	steps []step
	reqs  []recorded
}

func newScripted(t *testing.T, steps ...step) *scripted {
	t.Helper()
	s := &scripted{steps: steps}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *scripted) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.reqs)
	s.reqs = append(s.reqs, recorded{method: r.Method, path: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery, body: body})
	st := s.steps[min(n, len(s.steps)-1)]
	s.mu.Unlock()
	if st.delay > 0 {
		select {
		case <-time.After(st.delay):
		case <-r.Context().Done():
			return
		}
	}
	if st.hangup || st.reset {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok && st.reset {
				_ = tcp.SetLinger(0) // close with RST: "connection reset by peer"
			}
			conn.Close()
		}
		return
	}
	for k, v := range st.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(st.status)
	_, _ = io.WriteString(w, st.body)
}

func (s *scripted) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

func (s *scripted) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

type retryCall struct {
	method, path    string
	attempt, status int
	err             error
}

type retryLog struct {
	mu    sync.Mutex
	calls []retryCall
}

func (l *retryLog) hook(_ context.Context, method, path string, attempt, status int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, retryCall{method, path, attempt, status, err})
}

func (l *retryLog) get() []retryCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]retryCall(nil), l.calls...)
}

// fast returns options with millisecond waits.
func fast(l *retryLog) Options {
	o := Options{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, RequestTimeout: 5 * time.Second}
	if l != nil {
		o.OnRetry = l.hook
	}
	return o
}

func send(t *testing.T, hc *http.Client, ctx context.Context, method, url, body string) (*http.Response, []byte, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp, data, nil
}

func TestRetry429WithRetryAfterThenSuccess(t *testing.T) {
	srv := newScripted(t,
		step{status: 429, header: map[string]string{"Retry-After": "0"}, body: `{"message":"slow down"}`},
		step{status: 200, body: `{"ok":true}`})
	var l retryLog
	var th throttleLog
	o := fast(&l)
	o.OnThrottle = th.hook
	hc := NewHTTPClient(o)
	resp, body, err := send(t, hc, context.Background(), http.MethodPost, srv.URL+"/v1/things?x=1", `{"a":1}`)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || string(body) != `{"ok":true}` {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(reqs))
	}
	for i, r := range reqs {
		if string(r.body) != `{"a":1}` {
			t.Errorf("attempt %d sent body %q, want the original body", i+1, r.body)
		}
	}
	// Throttling is reported through OnThrottle, not as a retry.
	if calls := l.get(); len(calls) != 0 {
		t.Errorf("OnRetry called %d times for a throttled request, want 0", len(calls))
	}
	events := th.get()
	if len(events) != 1 {
		t.Fatalf("OnThrottle called %d times, want 1", len(events))
	}
	if e := events[0]; e.Method != "POST" || e.Path != "/v1/things" || e.Status != 429 || e.Answers != 1 || e.Long {
		t.Errorf("OnThrottle got %+v", e)
	}
}

func TestRetryAfterSecondsHonoured(t *testing.T) {
	srv := newScripted(t,
		step{status: 503, header: map[string]string{"Retry-After": "1"}},
		step{status: 204})
	o := fast(nil)
	o.RetryWaitMax = 5 * time.Second
	start := time.Now()
	resp, _, err := send(t, NewHTTPClient(o), context.Background(), http.MethodGet, srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 204 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if elapsed := time.Since(start); elapsed < 900*time.Millisecond {
		t.Errorf("Retry-After: 1 not honoured: retried after %v", elapsed)
	}
}

// A throttling Retry-After (429, 503) that would end past the budget (the
// context's deadline) is not cut short: retrying sooner than the server
// asked is futile, so the answer goes to the caller at once.
func TestRetryAfterBeyondBudgetEndsWaiting(t *testing.T) {
	for _, status := range []int{429, 503} {
		srv := newScripted(t,
			step{status: status, header: map[string]string{"Retry-After": "120"}, body: `{"message":"come back later"}`},
			step{status: 200})
		var l retryLog
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start := time.Now()
		resp, body, err := send(t, NewHTTPClient(fast(&l)), ctx, http.MethodGet, srv.URL, "")
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != status || string(body) != `{"message":"come back later"}` || srv.calls() != 1 || len(l.get()) != 0 {
			t.Errorf("%d: got %d %q after %d calls, want the answer itself after 1", status, resp.StatusCode, body, srv.calls())
		}
		if time.Since(start) > time.Second {
			t.Errorf("%d: took %v", status, time.Since(start))
		}
	}
}

func TestRetry503ThenSuccess(t *testing.T) {
	for _, method := range []string{"GET", "POST", "PATCH", "PUT", "DELETE"} {
		t.Run(method, func(t *testing.T) {
			srv := newScripted(t, step{status: 503}, step{status: 503}, step{status: 503}, step{status: 200, body: "ok"})
			var l retryLog
			resp, body, err := send(t, NewHTTPClient(fast(&l)), context.Background(), method, srv.URL+"/p", `{}`)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || string(body) != "ok" {
				t.Fatalf("got %d %q", resp.StatusCode, body)
			}
			if srv.calls() != 4 {
				t.Errorf("server saw %d requests, want 4", srv.calls())
			}
			calls := l.get()
			for i, c := range calls {
				if c.attempt != i+1 || c.status != 503 {
					t.Errorf("OnRetry call %d: %+v", i, c)
				}
			}
			if len(calls) != 3 {
				t.Errorf("OnRetry called %d times, want 3", len(calls))
			}
		})
	}
}

func TestGatewayErrorsRetriedOnlyForIdempotentMethods(t *testing.T) {
	for _, status := range []int{502, 504} {
		for method, wantCalls := range map[string]int{"GET": 2, "HEAD": 2, "PUT": 2, "DELETE": 2, "POST": 1, "PATCH": 1} {
			t.Run(strconv.Itoa(status)+"/"+method, func(t *testing.T) {
				srv := newScripted(t, step{status: status, body: "bad gateway"}, step{status: 200})
				resp, _, err := send(t, NewHTTPClient(fast(nil)), context.Background(), method, srv.URL, "")
				if err != nil {
					t.Fatal(err)
				}
				if srv.calls() != wantCalls {
					t.Errorf("server saw %d requests, want %d", srv.calls(), wantCalls)
				}
				wantStatus := 200
				if wantCalls == 1 {
					wantStatus = status
				}
				if resp.StatusCode != wantStatus {
					t.Errorf("status %d, want %d", resp.StatusCode, wantStatus)
				}
			})
		}
	}
}

func TestPOSTWithIdempotencyKeyRetriedOn502(t *testing.T) {
	srv := newScripted(t, step{status: 502}, step{status: 201})
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("{}"))
	req.Header.Set("Idempotency-Key", "k1")
	resp, err := NewHTTPClient(fast(nil)).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 || srv.calls() != 2 {
		t.Errorf("status %d after %d calls, want 201 after 2", resp.StatusCode, srv.calls())
	}
}

// A 500 may hide an action taken: requests safe to repeat (GET, DELETE) are
// sent again, a create is not.
func TestIdempotentRetriedOn500(t *testing.T) {
	for _, method := range []string{"GET", "DELETE"} {
		srv := newScripted(t, step{status: 500}, step{status: 200})
		resp, _, err := send(t, NewHTTPClient(fast(nil)), context.Background(), method, srv.URL, "")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || srv.calls() != 2 {
			t.Errorf("%s: status %d after %d calls, want 200 after 2", method, resp.StatusCode, srv.calls())
		}
	}
}

func TestNonRetryableStatusesNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 422, 500, 501} {
		for _, method := range []string{"GET", "POST"} {
			if status == 500 && method == "GET" {
				continue // a read is safe to repeat after a 500: TestIdempotentRetriedOn500
			}
			srv := newScripted(t, step{status: status}, step{status: 200})
			resp, _, err := send(t, NewHTTPClient(fast(nil)), context.Background(), method, srv.URL, "")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != status || srv.calls() != 1 {
				t.Errorf("%s %d: got status %d after %d calls, want no retry", method, status, resp.StatusCode, srv.calls())
			}
		}
	}
}

func TestMaxRetriesBounded(t *testing.T) {
	srv := newScripted(t, step{status: 503, body: `{"message":"down for maintenance"}`})
	var l retryLog
	resp, body, err := send(t, NewHTTPClient(fast(&l)), context.Background(), http.MethodGet, srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if srv.calls() != 4 {
		t.Errorf("server saw %d requests, want 1 + MaxRetries(3)", srv.calls())
	}
	if len(l.get()) != 3 {
		t.Errorf("OnRetry called %d times, want 3", len(l.get()))
	}
	// The last response reaches the caller intact, so it can report the real status and message.
	if resp.StatusCode != 503 || string(body) != `{"message":"down for maintenance"}` {
		t.Errorf("last response = %d %q", resp.StatusCode, body)
	}
}

func TestNegativeMaxRetriesDisablesRetries(t *testing.T) {
	srv := newScripted(t, step{status: 503}, step{status: 200})
	o := fast(nil)
	o.MaxRetries = -1
	resp, _, err := send(t, NewHTTPClient(o), context.Background(), http.MethodGet, srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || srv.calls() != 1 {
		t.Errorf("status %d after %d calls, want 503 after 1", resp.StatusCode, srv.calls())
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestPOSTRetriedAfterConnectionRefused(t *testing.T) {
	addr := closedAddr(t)
	var mu sync.Mutex
	var got []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
		w.WriteHeader(201)
	}))
	defer srv.Close()
	var once sync.Once
	var l retryLog
	o := fast(nil)
	o.OnRetry = func(ctx context.Context, method, path string, attempt, status int, err error) {
		l.hook(ctx, method, path, attempt, status, err)
		once.Do(func() { // the server comes up after the first refused attempt
			ln, lerr := net.Listen("tcp", addr)
			if lerr != nil {
				t.Errorf("cannot listen on %s again: %v", addr, lerr)
				return
			}
			srv.Listener.Close()
			srv.Listener = ln
			srv.Start()
		})
	}
	resp, _, err := send(t, NewHTTPClient(o), context.Background(), http.MethodPost, "http://"+addr+"/v1/x", `{"k":"v"}`)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != `{"k":"v"}` {
		t.Errorf("server received %q, want the body exactly once", got)
	}
	calls := l.get()
	if len(calls) != 1 || calls[0].status != 0 || calls[0].err == nil {
		t.Fatalf("OnRetry calls %+v, want one with the dial error", calls)
	}
	if !strings.Contains(calls[0].err.Error(), "refused") {
		t.Errorf("OnRetry error %q does not say connection refused", calls[0].err)
	}
}

func TestConnectionRefusedGivesUpAfterMaxRetries(t *testing.T) {
	addr := closedAddr(t)
	for _, method := range []string{"GET", "POST"} {
		var l retryLog
		_, _, err := send(t, NewHTTPClient(fast(&l)), context.Background(), method, "http://"+addr+"/", `{}`)
		if err == nil {
			t.Fatalf("%s: expected an error", method)
		}
		if !strings.Contains(err.Error(), "giving up after 4 attempts") || !strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: error %q", method, err)
		}
		if n := len(l.get()); n != 3 {
			t.Errorf("%s: %d retries, want 3", method, n)
		}
	}
}

func TestRequestNotResentAfterConnectionDrop(t *testing.T) {
	// The server reads the request and hangs up without answering: the
	// request may have been acted on, so only idempotent methods retry.
	for method, wantCalls := range map[string]int{"POST": 1, "PATCH": 1, "GET": 4, "DELETE": 4} {
		t.Run(method, func(t *testing.T) {
			srv := newScripted(t, step{hangup: true})
			_, _, err := send(t, NewHTTPClient(fast(nil)), context.Background(), method, srv.URL, `{"x":1}`)
			if err == nil {
				t.Fatal("expected an error")
			}
			if srv.calls() != wantCalls {
				t.Errorf("server saw %d requests, want %d", srv.calls(), wantCalls)
			}
		})
	}
}

func TestRequestTimeoutPerAttempt(t *testing.T) {
	for method, wantCalls := range map[string]int{"GET": 2, "POST": 1} {
		t.Run(method, func(t *testing.T) {
			srv := newScripted(t, step{delay: 2 * time.Second, status: 200}, step{status: 200, body: "fast"})
			o := fast(nil)
			o.RequestTimeout = 100 * time.Millisecond
			resp, body, err := send(t, NewHTTPClient(o), context.Background(), method, srv.URL, "")
			if srv.calls() != wantCalls {
				t.Errorf("server saw %d requests, want %d", srv.calls(), wantCalls)
			}
			if wantCalls == 1 {
				var ne net.Error
				if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
					t.Errorf("want a timeout error, got %v", err)
				}
				return
			}
			if err != nil || resp.StatusCode != 200 || string(body) != "fast" {
				t.Errorf("got %v, %v %q", err, resp, body)
			}
		})
	}
}

func TestContextCancelStopsRetriesPromptly(t *testing.T) {
	srv := newScripted(t, step{status: 503, header: map[string]string{"Retry-After": "30"}})
	o := Options{MaxRetries: 10, RetryWaitMin: 10 * time.Second, RetryWaitMax: time.Minute}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, _, err := send(t, NewHTTPClient(o), ctx, http.MethodGet, srv.URL, "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("cancellation took %v", elapsed)
	}
	if srv.calls() != 1 {
		t.Errorf("server saw %d requests after cancellation, want 1", srv.calls())
	}
}

func TestContextDeadlineDuringRequest(t *testing.T) {
	srv := newScripted(t, step{delay: 5 * time.Second, status: 200})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := send(t, NewHTTPClient(fast(nil)), ctx, http.MethodGet, srv.URL, "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if time.Since(start) > 2*time.Second || srv.calls() != 1 {
		t.Errorf("took %v and %d calls", time.Since(start), srv.calls())
	}
}

func TestNoLogOutput(t *testing.T) {
	var buf bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&buf)
	defer log.SetOutput(prev)

	hc := NewHTTPClient(fast(nil))
	if rt, ok := hc.Transport.(*roundTripper); !ok || rt.rc.Logger != nil {
		t.Fatal("the retryablehttp client must have no logger (its default writes to stderr)")
	}
	srv := newScripted(t, step{status: 503}, step{status: 502}, step{hangup: true}, step{status: 200})
	if _, _, err := send(t, hc, context.Background(), http.MethodGet, srv.URL+"/?api_key=zzz", ""); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, _ = send(t, hc, ctx, http.MethodGet, srv.URL, "") // fails (cancelled); only the logging matters
	if buf.Len() != 0 {
		t.Errorf("the standard logger got output: %q", buf.String())
	}
}

func TestBackoff(t *testing.T) {
	minW, maxW := 100*time.Millisecond, 2*time.Second
	if got := backoff(minW, maxW, 0, nil); got != minW {
		t.Errorf("attempt 0: %v, want %v", got, minW)
	}
	for attempt := 0; attempt < 70; attempt++ {
		got := backoff(minW, maxW, attempt, nil)
		ceiling := maxW
		if attempt < 5 {
			ceiling = minW << attempt
		}
		if got < max(minW, ceiling/2) || got > ceiling {
			t.Errorf("attempt %d: %v outside [%v, %v]", attempt, got, max(minW, ceiling/2), ceiling)
		}
	}
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[backoff(minW, maxW, 3, nil)] = true
	}
	if len(seen) < 2 {
		t.Error("backoff has no jitter")
	}
}

func TestBackoffRetryAfter(t *testing.T) {
	resp := func(v string) *http.Response {
		return &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {v}}}
	}
	minW, maxW := time.Millisecond, 10*time.Second
	if got := backoff(minW, maxW, 0, resp("3")); got != 3*time.Second {
		t.Errorf("Retry-After 3: %v", got)
	}
	if got := backoff(minW, maxW, 0, resp("120")); got != maxW {
		t.Errorf("Retry-After 120 not capped: %v", got)
	}
	date := time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat)
	if got := backoff(minW, maxW, 0, resp(date)); got < 3*time.Second || got > 5*time.Second {
		t.Errorf("Retry-After date: %v", got)
	}
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	if got := backoff(minW, maxW, 0, resp(past)); got != 0 {
		t.Errorf("Retry-After in the past: %v, want 0", got)
	}
	if got := backoff(minW, 4*time.Millisecond, 1, resp("soon")); got < time.Millisecond || got > 2*time.Millisecond {
		t.Errorf("invalid Retry-After should fall back to exponential backoff: %v", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"99999999999", 24 * time.Hour, true},
		{"Thu, 02 Jan 2025 03:04:15 GMT", 10 * time.Second, true},
		{"Thursday, 02-Jan-25 03:04:15 GMT", 10 * time.Second, true}, // RFC 850
		{"Thu Jan  2 03:04:15 2025", 10 * time.Second, true},         // ANSI C
		{"Wed, 01 Jan 2025 00:00:00 GMT", 0, true},
		{"tomorrow", 0, false},
	}
	for _, c := range cases {
		got, ok := parseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestOptionsDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o.MaxRetries != 4 || o.RetryWaitMin != time.Second || o.RetryWaitMax != time.Minute || o.RequestTimeout != time.Minute {
		t.Errorf("defaults: %+v", o)
	}
	o = Options{MaxRetries: -1, RequestTimeout: -1, RetryWaitMin: time.Minute, RetryWaitMax: time.Second}.withDefaults()
	if o.MaxRetries != 0 || o.RequestTimeout != 0 || o.RetryWaitMax != time.Minute {
		t.Errorf("overrides: %+v", o)
	}
}

type failingTransport struct {
	calls int
	err   error // nil: "injected failure"
}

func (f *failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	return nil, errors.New("injected failure")
}

// A host name that does not resolve is the base URL to fix, not a failure a
// retry can cure: it is returned at once, as a *net.DNSError. A temporary
// resolver failure is still retried.
func TestUnresolvableHostNotRetried(t *testing.T) {
	for name, tc := range map[string]struct {
		err   *net.DNSError
		calls int
	}{
		"no such host":       {&net.DNSError{Err: "no such host", Name: "gateway.example.invalid", IsNotFound: true}, 1},
		"resolver temporary": {&net.DNSError{Err: "server misbehaving", Name: "gateway.example.invalid", IsTemporary: true}, 4},
	} {
		ft := &failingTransport{err: &net.OpError{Op: "dial", Net: "tcp", Err: tc.err}}
		o := fast(nil)
		o.Transport = ft
		_, _, err := send(t, NewHTTPClient(o), context.Background(), http.MethodGet, "https://gateway.example.invalid/", "")
		var dnsErr *net.DNSError
		if !errors.As(err, &dnsErr) || dnsErr.Name != "gateway.example.invalid" {
			t.Errorf("%s: err = %v, want the *net.DNSError", name, err)
		}
		if ft.calls != tc.calls {
			t.Errorf("%s: transport called %d times, want %d", name, ft.calls, tc.calls)
		}
	}
}

func TestCustomTransport(t *testing.T) {
	ft := &failingTransport{}
	o := fast(nil)
	o.Transport = ft
	_, _, err := send(t, NewHTTPClient(o), context.Background(), http.MethodGet, "http://example.invalid/", "")
	if err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("err = %v", err)
	}
	if ft.calls != 4 {
		t.Errorf("transport called %d times, want 4", ft.calls)
	}
}

func TestUnsupportedSchemeNotRetried(t *testing.T) {
	var l retryLog
	_, _, err := send(t, NewHTTPClient(fast(&l)), context.Background(), http.MethodGet, "ftp://127.0.0.1/", "")
	if err == nil {
		t.Fatal("expected an error")
	}
	if len(l.get()) != 0 {
		t.Errorf("retried %d times", len(l.get()))
	}
}

// A request that is not idempotent and failed once its connection was
// obtained may have been acted on: its error wraps ErrOutcomeUnknown. An
// idempotent one never does (it is retried, and repeating it is harmless).
func TestOutcomeUnknownAfterConnectionFailure(t *testing.T) {
	for _, fault := range []string{"hangup", "reset"} {
		for method, unknown := range map[string]bool{"POST": true, "PATCH": true, "GET": false, "DELETE": false, "PUT": false} {
			t.Run(fault+"/"+method, func(t *testing.T) {
				srv := newScripted(t, step{hangup: fault == "hangup", reset: fault == "reset"})
				_, _, err := send(t, NewHTTPClient(fast(nil)), context.Background(), method, srv.URL, `{"x":1}`)
				if err == nil {
					t.Fatal("expected an error")
				}
				if got := errors.Is(err, ErrOutcomeUnknown); got != unknown {
					t.Errorf("errors.Is(err, ErrOutcomeUnknown) = %v, want %v: %v", got, unknown, err)
				}
			})
		}
	}
}

func TestOutcomeKnownWhenNothingWasSent(t *testing.T) {
	_, _, err := send(t, NewHTTPClient(fast(nil)), context.Background(), http.MethodPost, "http://"+closedAddr(t)+"/", `{}`)
	if err == nil || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("connection refused: err = %v, want an error without ErrOutcomeUnknown", err)
	}
}

// A POST retried after a 503 (which the server did not act on) whose next
// attempt is dropped after it was written is outcome-unknown; the error
// still counts the attempts.
func TestOutcomeUnknownAfterRetriedPOST(t *testing.T) {
	srv := newScripted(t, step{status: 503}, step{hangup: true}, step{status: 201})
	_, _, err := send(t, NewHTTPClient(fast(nil)), context.Background(), http.MethodPost, srv.URL, `{}`)
	if !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "giving up after 2 attempts") {
		t.Errorf("err = %v, want ErrOutcomeUnknown after 2 attempts", err)
	}
	if srv.calls() != 2 {
		t.Errorf("server saw %d requests, want 2 (the dropped POST is not resent)", srv.calls())
	}
}

func TestOutcomeUnknownAfterTimeout(t *testing.T) {
	srv := newScripted(t, step{delay: 2 * time.Second, status: 200})
	o := fast(nil)
	o.RequestTimeout = 100 * time.Millisecond
	_, _, err := send(t, NewHTTPClient(o), context.Background(), http.MethodPost, srv.URL, `{}`)
	var ne net.Error
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("err = %v, want a timeout wrapping ErrOutcomeUnknown", err)
	}
}

// Cancelling a POST in flight leaves its outcome unknown; cancelling it
// while it waits to be retried after a 503 does not (nothing was acted on).
func TestOutcomeAfterCancellation(t *testing.T) {
	t.Run("in flight", func(t *testing.T) {
		srv := newScripted(t, step{delay: 5 * time.Second, status: 200})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		_, _, err := send(t, NewHTTPClient(fast(nil)), ctx, http.MethodPost, srv.URL, `{}`)
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrOutcomeUnknown) {
			t.Errorf("err = %v, want context.Canceled and ErrOutcomeUnknown", err)
		}
	})
	t.Run("waiting to retry", func(t *testing.T) {
		srv := newScripted(t, step{status: 503, header: map[string]string{"Retry-After": "30"}})
		o := fast(nil)
		o.RetryWaitMax = time.Minute
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, _, err := send(t, NewHTTPClient(o), ctx, http.MethodPost, srv.URL, `{}`)
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrOutcomeUnknown) {
			t.Errorf("err = %v, want context.Canceled without ErrOutcomeUnknown", err)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("cancellation took %v", time.Since(start))
		}
	})
}
