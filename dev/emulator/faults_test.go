package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	valid := []struct {
		in, canonical string
	}{
		{"", ""},
		{"  ", ""},
		{"500=0.05,503=0.05,429=0.05,reset=0.02,commit-reset=0.02", "429=0.05,500=0.05,503=0.05,reset=0.02,commit-reset=0.02"},
		{" commit-reset = 0.5 , reset=0.25 ", "reset=0.25,commit-reset=0.5"},
		{"418=1", "418=1"},
		{"599=0,400=0", "400=0,599=0"},
		{"500=0.1,502=0.2,504=0.7", "500=0.1,502=0.2,504=0.7"}, // adds up to 1.0000000000000002
		{"503=1e-3", "503=0.001"},
	}
	for _, tc := range valid {
		spec, err := ParseFaults(tc.in)
		if err != nil {
			t.Errorf("ParseFaults(%q) = %v", tc.in, err)
			continue
		}
		if got := spec.String(); got != tc.canonical {
			t.Errorf("ParseFaults(%q).String() = %q, want %q", tc.in, got, tc.canonical)
		}
		if again, err := ParseFaults(spec.String()); err != nil || again.String() != spec.String() {
			t.Errorf("ParseFaults(%q) does not round-trip: %v, %v", spec.String(), again, err)
		}
	}

	invalid := []struct{ in, msg string }{
		{"600=0.1", `unknown fault kind "600"`},
		{"200=0.1", `unknown fault kind "200"`},
		{"0500=0.1", `unknown fault kind "0500"`},
		{"timeout=0.1", `unknown fault kind "timeout"`},
		{"RESET=0.1", `unknown fault kind "RESET"`},
		{"rate-limit=0.1", "-rate-limit"},
		{"500", "want kind=probability"},
		{"500=", "want kind=probability"},
		{"=0.1", "want kind=probability"},
		{"500:0.1", "want kind=probability"},
		{"500=abc", `probability "abc" is not a number`},
		{"500=1.5", "not between 0 and 1"},
		{"500=-0.1", "not between 0 and 1"},
		{"500=NaN", "not between 0 and 1"},
		{"500=Inf", "not between 0 and 1"},
		{"500=0.6,503=0.6", "add up to 1.2, more than 1"},
		{"500=0.1,500=0.2", "given twice"},
		{"500=0.1,", "empty entry"},
		{",500=0.1", "empty entry"},
	}
	for _, tc := range invalid {
		spec, err := ParseFaults(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseFaults(%q) = %v, %v; want an error with %q", tc.in, spec, err, tc.msg)
		}
	}
	if err := (FaultSpec{"500": 0.5, "nope": 0.1}).Validate(); err == nil {
		t.Error("FaultSpec.Validate accepted an unknown kind")
	}
}

func TestOptionsValidateFaults(t *testing.T) {
	bad := []Options{
		{Faults: "500=2"},
		{Faults: "boom=0.1"},
		{Latency: -time.Millisecond},
		{RateLimit: -1},
		{RateLimit: math.NaN()},
		{RateLimit: math.Inf(1)},
	}
	for _, o := range bad {
		if err := o.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil", o)
		}
		if srv, err := Start(t.Context(), "127.0.0.1:0", o); err == nil {
			_ = srv.Close()
			t.Errorf("Start(%+v) accepted invalid options", o)
		}
	}
	good := Options{Faults: "500=0.5,reset=0.5", Latency: time.Millisecond, RateLimit: 0.5, Seed: -3}
	if err := good.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v", good, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("New with invalid faults did not panic")
		}
	}()
	New(Options{Faults: "500=2"})
}

// serve starts e on an httptest server closed at the end of the test.
func serve(t *testing.T, e *Emulator) string {
	t.Helper()
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv.URL
}

// send sends one request with client; body is sent as-is ("" for none) and
// auth holds header name/value pairs. It returns the status and body, or the
// transport error.
func send(t *testing.T, client *http.Client, method, url, body string, auth ...string) (int, []byte, error) {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, reader)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(auth); i += 2 {
		req.Header.Set(auth[i], auth[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// freshConnections is a client that opens a new connection per request, so
// that net/http never retries a request on its own after a dropped connection.
func freshConnections(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// isDropped reports whether err is what a client sees when the server drops
// the connection without answering.
func isDropped(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "EOF")
}

func TestFaultStatuses(t *testing.T) {
	for _, status := range []int{500, 503, 429, 418} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			e := New(Options{Faults: fmt.Sprintf("%d=1", status)})

			// Jelou, valid credentials: the fault answers before acting.
			rec := do(t, e, "POST", jelouPath+"p1", obj{"webhookUrl": "https://a.example/h"}, jelouKey...)
			expectStatus(t, rec, status)
			body := decode[obj](t, rec)
			errObj, _ := body["error"].(obj)
			wantCode := map[int]string{500: "INTERNAL_SERVER_ERROR", 503: "SERVICE_UNAVAILABLE", 429: "TOO_MANY_REQUESTS", 418: "ERROR"}[status]
			if body["statusMessage"] != "error" || body["status"] != 0.0 || errObj["code"] != wantCode {
				t.Errorf("Jelou fault body = %s", rec.Body.String())
			}
			if msg := errorMessage(t, rec); !strings.Contains(msg, "fault injected by the emulator") {
				t.Errorf("Jelou fault message = %q", msg)
			}
			if got := rec.Header().Get("Retry-After"); (status == 429) != (got == "1") {
				t.Errorf("Jelou HTTP %d Retry-After = %q", status, got)
			}

			// JuriChat, without credentials: a fault comes before authentication.
			rec = do(t, e, "POST", "/jurichat/webhooks", hookBody("https://a.example/h"))
			expectStatus(t, rec, status)
			jb := decode[obj](t, rec)
			if jb["statusCode"] != float64(status) || jb["error"] != http.StatusText(status) ||
				!strings.Contains(jb["message"].(string), "fault injected by the emulator") {
				t.Errorf("JuriChat fault body = %s", rec.Body.String())
			}
			if got := rec.Header().Get("Retry-After"); (status == 429) != (got == "1") {
				t.Errorf("JuriChat HTTP %d Retry-After = %q", status, got)
			}

			if len(e.JelouIntegrations())+len(e.JurichatWebhooks()) != 0 {
				t.Error("a status fault acted")
			}
			if n := len(e.Requests()); n != 2 {
				t.Errorf("recorded %d requests, want 2", n)
			}
			if got := e.FaultCounts(); len(got) != 1 || got[fmt.Sprint(status)] != 2 {
				t.Errorf("FaultCounts = %v", got)
			}
		})
	}
}

func TestFaultReset(t *testing.T) {
	var log lockedBuffer
	e := New(Options{Faults: "reset=1", RequestLog: &log})
	url := serve(t, e)
	client := freshConnections(t)

	_, _, err := send(t, client, "POST", url+jelouPath+"p1", `{"webhookUrl":"https://a.example/h"}`, jelouKey...)
	if err == nil || !isDropped(err) {
		t.Fatalf("Jelou create under reset: err = %v, want a dropped connection", err)
	}
	_, _, err = send(t, client, "POST", url+"/jurichat/webhooks", `{"name":"n","url":"https://a.example/h","events":["webhook.test"]}`, jurichatToken...)
	if err == nil || !isDropped(err) {
		t.Fatalf("JuriChat create under reset: err = %v, want a dropped connection", err)
	}
	if len(e.JelouIntegrations())+len(e.JurichatWebhooks()) != 0 {
		t.Error("reset acted: something was stored")
	}
	if n := len(e.Requests()); n != 2 {
		t.Errorf("recorded %d requests, want 2", n)
	}
	if got := e.FaultCounts(); got[FaultReset] != 2 {
		t.Errorf("FaultCounts = %v", got)
	}
	// The request log says what happened (the line is written after the
	// client has seen the connection drop).
	if !eventually(func() bool { return strings.Contains(log.String(), "POST /jelou/v1/external-support/p1 reset ") }) {
		t.Errorf("request log = %q", log.String())
	}
}

// eventually polls cond for up to five seconds.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

func TestFaultCommitReset(t *testing.T) {
	e := New(Options{Faults: "commit-reset=1"})
	url := serve(t, e)
	client := freshConnections(t)

	_, _, err := send(t, client, "POST", url+jelouPath+"p1", `{"webhookUrl":"https://a.example/h"}`, jelouKey...)
	if err == nil || !isDropped(err) {
		t.Fatalf("Jelou create under commit-reset: err = %v, want a dropped connection", err)
	}
	if _, ok := e.JelouIntegration("p1"); !ok {
		t.Error("commit-reset did not store the Jelou integration")
	}
	_, _, err = send(t, client, "POST", url+"/jurichat/webhooks", `{"name":"n","url":"https://a.example/h","events":["webhook.test"]}`, jurichatToken...)
	if err == nil || !isDropped(err) {
		t.Fatalf("JuriChat create under commit-reset: err = %v, want a dropped connection", err)
	}
	hooks := e.JurichatWebhooks()
	if len(hooks) != 1 {
		t.Fatalf("commit-reset stored %d webhooks, want 1", len(hooks))
	}
	// A delete is carried out too.
	if _, _, err := send(t, client, "DELETE", url+"/jurichat/webhooks/"+hooks[0].ID, "", jurichatToken...); err == nil {
		t.Error("DELETE under commit-reset got an answer")
	}
	if len(e.JurichatWebhooks()) != 0 {
		t.Error("commit-reset did not delete the webhook")
	}
	// Without credentials the handler answers 401, which is dropped as well.
	if _, _, err := send(t, client, "POST", url+jelouPath+"p2", `{"webhookUrl":"https://a.example/h"}`); err == nil {
		t.Error("unauthenticated request under commit-reset got an answer")
	}
	if _, ok := e.JelouIntegration("p2"); ok {
		t.Error("an unauthenticated commit-reset stored an integration")
	}
	if got := e.FaultCounts(); got[FaultCommitReset] != 4 {
		t.Errorf("FaultCounts = %v", got)
	}
}

// TestFaultProbabilities sends 2000 unauthenticated requests (401 unless a
// fault is injected) with the example spec and seed 1.
func TestFaultProbabilities(t *testing.T) {
	const n = 2000
	spec := "500=0.05,503=0.05,429=0.05,reset=0.02,commit-reset=0.02"
	e := New(Options{Faults: spec, Seed: 1})
	url := serve(t, e)
	// Keep-alive connections (POST is never retried by net/http on its own).
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	seen := map[string]int{}
	for i := range n {
		status, _, err := send(t, client, "POST", fmt.Sprintf("%s%sp%d", url, jelouPath, i), `{"webhookUrl":"https://a.example/h"}`)
		switch {
		case err == nil:
			seen[fmt.Sprint(status)]++
		case isDropped(err):
			seen["dropped"]++
		default:
			t.Fatalf("request %d: %v", i, err)
		}
	}
	counts := e.FaultCounts()

	// What the client saw matches what the emulator counted.
	if seen["500"] != counts["500"] || seen["503"] != counts["503"] || seen["429"] != counts["429"] ||
		seen["dropped"] != counts[FaultReset]+counts[FaultCommitReset] ||
		seen["401"] != n-counts["500"]-counts["503"]-counts["429"]-counts[FaultReset]-counts[FaultCommitReset] {
		t.Errorf("client saw %v, emulator counted %v", seen, counts)
	}
	if got := len(e.Requests()); got != n {
		t.Errorf("recorded %d requests, want %d", got, n)
	}

	// Deterministic for seed 1 (math/rand/v2's PCG is a specified algorithm).
	want := map[string]int{"500": 92, "503": 114, "429": 100, FaultReset: 37, FaultCommitReset: 42}
	for k, w := range want {
		if counts[k] != w {
			t.Errorf("seed 1: FaultCounts = %v, want %v", counts, want)
			break
		}
	}
	// And within four standard deviations of the expectation.
	probs, _ := ParseFaults(spec)
	for kind, p := range probs {
		mean, sd := n*p, math.Sqrt(n*p*(1-p))
		if math.Abs(float64(counts[kind])-mean) > 4*sd {
			t.Errorf("%s: %d faults in %d requests, expected %.0f ± %.0f", kind, counts[kind], n, mean, 4*sd)
		}
	}
}

// statusSequence sends n unauthenticated requests to e and returns the statuses.
func statusSequence(t *testing.T, e *Emulator, n int) []int {
	t.Helper()
	out := make([]int, n)
	for i := range out {
		out[i] = do(t, e, "GET", "/jurichat/webhooks", nil).Code
	}
	return out
}

func TestFaultSequenceReproducible(t *testing.T) {
	spec := "500=0.2,503=0.2,429=0.2"
	a := statusSequence(t, New(Options{Faults: spec, Seed: 42}), 300)
	b := statusSequence(t, New(Options{Faults: spec, Seed: 42}), 300)
	c := statusSequence(t, New(Options{Faults: spec, Seed: 43}), 300)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("the same seed gave different fault sequences")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("seeds 42 and 43 gave the same fault sequence")
	}
	kinds := map[int]bool{}
	for _, s := range a {
		kinds[s] = true
	}
	if len(kinds) != 4 { // 500, 503, 429 and 401
		t.Errorf("statuses seen: %v", kinds)
	}

	// POST /_emulator/reset clears the counts but does not re-seed: the
	// sequence goes on where it was.
	e := New(Options{Faults: spec, Seed: 42})
	first := statusSequence(t, e, 100)
	expectStatus(t, do(t, e, "POST", "/_emulator/reset", nil), http.StatusNoContent)
	if got := e.FaultCounts(); got["500"]+got["503"]+got["429"] != 0 || len(got) != 3 {
		t.Errorf("FaultCounts after reset = %v", got)
	}
	rest := statusSequence(t, e, 200)
	if fmt.Sprint(append(first, rest...)) != fmt.Sprint(a[:300]) {
		t.Error("reset changed the fault sequence")
	}
}

func TestControlRoutesNeverFail(t *testing.T) {
	// Every vendor request would be dropped after an hour: the control routes
	// would hang or panic (no Hijacker in a recorder) if faults applied to them.
	e := New(Options{Faults: "reset=1", Latency: time.Hour, RateLimit: 1})
	for range 10 {
		expectStatus(t, do(t, e, "GET", "/_emulator/state", nil), http.StatusOK)
		expectStatus(t, do(t, e, "POST", "/_emulator/reset", nil), http.StatusNoContent)
		expectStatus(t, do(t, e, "GET", "/", nil), http.StatusOK)
		expectStatus(t, do(t, e, "POST", "/_emulator/jelou/p1/deliver", nil), http.StatusNotFound)
		expectStatus(t, do(t, e, "POST", "/_emulator/jurichat/webhooks/w1/deliver", nil), http.StatusNotFound)
	}
	if got := e.FaultCounts(); got[FaultReset] != 0 || got[FaultRateLimited] != 0 {
		t.Errorf("FaultCounts = %v", got)
	}

	// Certain failure on the vendor routes, none on the control routes.
	e = New(Options{Faults: "503=1"})
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...), http.StatusServiceUnavailable)
	expectStatus(t, do(t, e, "GET", "/_emulator/state", nil), http.StatusOK)
}

func TestLatency(t *testing.T) {
	const latency = 60 * time.Millisecond
	e := New(Options{Latency: latency})
	start := time.Now()
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...), http.StatusOK)
	if d := time.Since(start); d < latency {
		t.Errorf("vendor request took %v, want at least %v", d, latency)
	}
	if len(e.FaultCounts()) != 0 {
		t.Errorf("latency alone counted faults: %v", e.FaultCounts())
	}

	// A client that gives up is not kept waiting, and nothing is done.
	e = New(Options{Latency: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	req := httptest.NewRequestWithContext(ctx, "POST", jelouPath+"p1", strings.NewReader(`{"webhookUrl":"https://a.example/h"}`))
	req.Header.Set(jelouKey[0], jelouKey[1])
	done := make(chan struct{})
	go func() {
		e.ServeHTTP(httptest.NewRecorder(), req)
		close(done)
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not return after the client gave up")
	}
	if len(e.JelouIntegrations()) != 0 {
		t.Error("a cancelled request was carried out")
	}
	if len(e.Requests()) != 1 {
		t.Error("a cancelled request was not recorded")
	}
}

func TestRateLimit(t *testing.T) {
	e := New(Options{RateLimit: 2})
	clock := newFakeClock(e)
	get := func(auth ...string) *httptest.ResponseRecorder {
		return do(t, e, "GET", jelouPath+"missing", nil, auth...)
	}

	// Burst of 2 per credential, then 429 with the vendor's body.
	expectStatus(t, get(jelouKey...), http.StatusNotFound)
	expectStatus(t, get(jelouKey...), http.StatusNotFound)
	rec := get(jelouKey...)
	expectStatus(t, rec, http.StatusTooManyRequests)
	if ra := rec.Header().Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After = %q, want 1 (half a second, rounded up)", ra)
	}
	if code := decode[obj](t, rec)["error"].(obj)["code"]; code != "TOO_MANY_REQUESTS" {
		t.Errorf("rate-limited Jelou body code = %v", code)
	}
	if msg := errorMessage(t, rec); !strings.Contains(msg, "2 per second per credential") {
		t.Errorf("rate-limited message = %q", msg)
	}

	// Other credentials have their own buckets: Basic auth, JuriChat's token
	// and key, and (one per vendor) requests without credentials.
	expectStatus(t, get(jelouBasic...), http.StatusNotFound)
	expectStatus(t, get(jelouBasic...), http.StatusNotFound)
	expectStatus(t, get(jelouBasic...), http.StatusTooManyRequests)
	expectStatus(t, get(), http.StatusUnauthorized)
	expectStatus(t, get("x-api-key", "wrong"), http.StatusUnauthorized)
	for _, auth := range [][]string{jurichatToken, jurichatKey, nil} {
		want := http.StatusOK
		if auth == nil {
			want = http.StatusUnauthorized
		}
		expectStatus(t, do(t, e, "GET", "/jurichat/webhooks", nil, auth...), want)
		expectStatus(t, do(t, e, "GET", "/jurichat/webhooks", nil, auth...), want)
		rec := do(t, e, "GET", "/jurichat/webhooks", nil, auth...)
		expectStatus(t, rec, http.StatusTooManyRequests)
		if b := decode[obj](t, rec); b["statusCode"] != 429.0 || b["error"] != "Too Many Requests" {
			t.Errorf("rate-limited JuriChat body = %s", rec.Body.String())
		}
	}

	// Tokens come back at the rate.
	clock.advance(499 * time.Millisecond)
	expectStatus(t, get(jelouKey...), http.StatusTooManyRequests)
	clock.advance(time.Millisecond)
	expectStatus(t, get(jelouKey...), http.StatusNotFound)
	expectStatus(t, get(jelouKey...), http.StatusTooManyRequests)
	clock.advance(time.Hour) // never more than the burst
	for _, want := range []int{http.StatusNotFound, http.StatusNotFound, http.StatusTooManyRequests} {
		expectStatus(t, get(jelouKey...), want)
	}

	if got := e.FaultCounts(); len(got) != 1 || got[FaultRateLimited] != 8 {
		t.Errorf("FaultCounts = %v, want rate-limit: 8", got)
	}
	if got := len(e.Requests()); got != 23 {
		t.Errorf("recorded %d requests, want 23 (rate-limited ones included)", got)
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	e := New(Options{RateLimit: 0.25}) // one token every 4 seconds, burst 1
	clock := newFakeClock(e)
	get := func() *httptest.ResponseRecorder { return do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...) }
	expectStatus(t, get(), http.StatusOK)
	for _, step := range []struct {
		advance time.Duration
		want    string
	}{
		{0, "4"}, {time.Second, "3"}, {1500 * time.Millisecond, "2"}, {time.Second, "1"}, {400 * time.Millisecond, "1"},
	} {
		clock.advance(step.advance)
		rec := get()
		expectStatus(t, rec, http.StatusTooManyRequests)
		if got := rec.Header().Get("Retry-After"); got != step.want {
			t.Errorf("after +%v: Retry-After = %q, want %q", step.advance, got, step.want)
		}
	}
	clock.advance(100 * time.Millisecond)
	expectStatus(t, get(), http.StatusOK)
}

func TestRateLimitIsNotTheInjected429(t *testing.T) {
	e := New(Options{RateLimit: 1, Faults: "429=1"})
	newFakeClock(e)
	first := do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...)  // injected
	second := do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...) // rate-limited
	expectStatus(t, first, http.StatusTooManyRequests)
	expectStatus(t, second, http.StatusTooManyRequests)
	if got := e.FaultCounts(); got["429"] != 1 || got[FaultRateLimited] != 1 {
		t.Errorf("FaultCounts = %v, want 429: 1 and rate-limit: 1", got)
	}
	if errorMessage(t, first) == errorMessage(t, second) {
		t.Error("injected and rate-limited 429s carry the same message")
	}
}

// TestRateLimitAchievedRate runs a steady client for a second against a real
// clock: it gets the burst plus the rate.
func TestRateLimitAchievedRate(t *testing.T) {
	const rate = 40.0
	e := New(Options{RateLimit: rate})
	var ok, limited int
	start := time.Now()
	for time.Since(start) < time.Second {
		switch code := do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...).Code; code {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited++
		default:
			t.Fatalf("HTTP %d", code)
		}
		time.Sleep(2 * time.Millisecond)
	}
	elapsed := time.Since(start).Seconds()
	want := rate + rate*elapsed // the burst, then the rate
	if math.Abs(float64(ok)-want) > 0.1*want+2 {
		t.Errorf("%d requests allowed in %.2fs, want about %.0f (burst %v + %v/s)", ok, elapsed, want, rate, rate)
	}
	if limited == 0 {
		t.Error("the client was never limited")
	}
	t.Logf("%d allowed, %d limited in %.2fs: %.1f/s after the burst", ok, limited, elapsed, (float64(ok)-rate)/elapsed)
}

func TestRateLimiterForgetsIdleBuckets(t *testing.T) {
	l := newRateLimiter(10)
	now := time.Now()
	for i := range maxBuckets {
		l.take([32]byte{byte(i), byte(i >> 8)}, now)
	}
	if len(l.buckets) != maxBuckets {
		t.Fatalf("%d buckets", len(l.buckets))
	}
	// One second later every bucket has refilled: a new credential prunes them.
	if _, ok := l.take([32]byte{0xff, 0xff, 0xff}, now.Add(time.Second)); !ok {
		t.Error("a new credential was limited")
	}
	if len(l.buckets) != 1 {
		t.Errorf("%d buckets after pruning, want 1", len(l.buckets))
	}
}

func TestStateFaults(t *testing.T) {
	e := New(Options{Faults: "503=1,reset=0", RateLimit: 100})
	state := decode[obj](t, do(t, e, "GET", "/_emulator/state", nil))
	if got := fmt.Sprint(state["faults"]); got != "map[503:0 rate-limit:0 reset:0]" {
		t.Errorf("faults before any request = %s", got)
	}
	do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...)
	do(t, e, "GET", jelouPath+"p1", nil)
	state = decode[obj](t, do(t, e, "GET", "/_emulator/state", nil))
	if got := fmt.Sprint(state["faults"]); got != "map[503:2 rate-limit:0 reset:0]" {
		t.Errorf("faults = %s", got)
	}
	if got := fmt.Sprint(e.FaultCounts()); got != "map[503:2 rate-limit:0 reset:0]" {
		t.Errorf("FaultCounts = %s", got)
	}
	expectStatus(t, do(t, e, "POST", "/_emulator/reset", nil), http.StatusNoContent)
	if got := fmt.Sprint(e.FaultCounts()); got != "map[503:0 rate-limit:0 reset:0]" {
		t.Errorf("FaultCounts after reset = %s", got)
	}
}

// TestFaultsThroughStart checks faults on a server from Start, with the
// request log wrapping the handler.
func TestFaultsThroughStart(t *testing.T) {
	var log lockedBuffer
	srv, err := Start(t.Context(), "127.0.0.1:0", Options{Faults: "commit-reset=1", RequestLog: &log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	client := freshConnections(t)
	_, _, err = send(t, client, "POST", srv.JelouURL()+"/v1/external-support/p1", `{"webhookUrl":"https://a.example/h"}`, jelouKey...)
	if err == nil || !isDropped(err) {
		t.Fatalf("err = %v, want a dropped connection", err)
	}
	if _, ok := srv.JelouIntegration("p1"); !ok {
		t.Error("commit-reset did not store the integration")
	}
	status, body, err := send(t, client, "GET", srv.URL+"/_emulator/state", "")
	if err != nil || status != http.StatusOK || !bytes.Contains(body, []byte(`"faults":{"commit-reset":1}`)) {
		t.Errorf("state: HTTP %d %s %v", status, body, err)
	}
	logged := eventually(func() bool { return strings.Contains(log.String(), "POST /jelou/v1/external-support/p1 reset ") })
	if !logged || strings.Contains(log.String(), DefaultJelouAPIKey) {
		t.Errorf("request log = %q", log.String())
	}
}

func TestAnswerLatency(t *testing.T) {
	const latency = 80 * time.Millisecond
	e := New(Options{AnswerLatency: latency})

	// A change is stored before its answer is sent, and the answer comes
	// AnswerLatency later.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, "POST", "/jurichat/webhooks",
		strings.NewReader(`{"name":"n","url":"https://a.example/h","events":["webhook.test"]}`))
	req.Header.Set(jurichatToken[0], jurichatToken[1])
	rec := httptest.NewRecorder()
	start := time.Now()
	done := make(chan struct{})
	go func() {
		e.ServeHTTP(rec, req)
		close(done)
	}()
	if !eventually(func() bool { return len(e.JurichatWebhooks()) == 1 }) {
		t.Fatal("the create was not stored")
	}
	select {
	case <-done:
		t.Fatal("the answer came before the latency")
	default:
	}
	<-done
	if d := time.Since(start); d < latency {
		t.Errorf("create answered after %v, want at least %v", d, latency)
	}
	expectStatus(t, rec, http.StatusCreated)
	var created struct {
		ID, Secret string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || created.ID != e.JurichatWebhooks()[0].ID || created.Secret == "" {
		t.Errorf("held answer = %s (%v), want the stored webhook", rec.Body.String(), err)
	}
	if rec.Header().Get("Content-Type") == "" {
		t.Error("the held answer lost its headers")
	}

	// Reads are answered at once.
	start = time.Now()
	expectStatus(t, do(t, e, "GET", "/jurichat/webhooks", nil, jurichatToken...), http.StatusOK)
	if d := time.Since(start); d >= latency {
		t.Errorf("GET took %v, want no answer latency", d)
	}

	// A client that gives up in the window gets nothing, and the change stays.
	e = New(Options{AnswerLatency: time.Hour})
	ctx, cancel = context.WithCancel(t.Context())
	req = httptest.NewRequestWithContext(ctx, "POST", jelouPath+"p1", strings.NewReader(`{"webhookUrl":"https://a.example/h"}`))
	req.Header.Set(jelouKey[0], jelouKey[1])
	rec = httptest.NewRecorder()
	done = make(chan struct{})
	go func() {
		e.ServeHTTP(rec, req)
		close(done)
	}()
	if !eventually(func() bool { _, ok := e.JelouIntegration("p1"); return ok }) {
		t.Fatal("the Jelou create was not stored")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not return after the client gave up")
	}
	if rec.Body.Len() != 0 {
		t.Errorf("a client that gave up was answered: %s", rec.Body.String())
	}
	if len(e.FaultCounts()) != 0 {
		t.Errorf("answer latency counted faults: %v", e.FaultCounts())
	}
	if err := (Options{AnswerLatency: -time.Second}).Validate(); err == nil || !strings.Contains(err.Error(), "answer latency") {
		t.Errorf("Validate(negative AnswerLatency) = %v", err)
	}
}
