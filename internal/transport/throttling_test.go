package transport

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/ratelimit"
)

type throttleLog struct {
	mu     sync.Mutex
	events []ThrottleEvent
}

func (l *throttleLog) hook(_ context.Context, e ThrottleEvent) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *throttleLog) get() []ThrottleEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ThrottleEvent(nil), l.events...)
}

// throttledRequester calls srv through a Requester with the given pace.
func throttledRequester(t *testing.T, srv *scripted, o Options, pace *ratelimit.Pace) *Requester {
	t.Helper()
	base, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &Requester{HTTPClient: NewHTTPClient(o), BaseURL: base, Service: "Test", Pace: pace}
}

// Throttling is waited out beyond MaxRetries, for a POST too (the server
// did not act), with and without Retry-After.
func TestThrottlingWaitedOutBeyondMaxRetries(t *testing.T) {
	for _, header := range []map[string]string{{"Retry-After": "0"}, nil} {
		steps := make([]step, 0, 11)
		for range 10 {
			steps = append(steps, step{status: 429, header: header, body: `{"message":"slow down"}`})
		}
		srv := newScripted(t, append(steps, step{status: 201, body: `{"id":"w1"}`})...)
		o := fast(nil)
		o.MaxRetries = 2
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		resp, body, err := send(t, NewHTTPClient(o), ctx, http.MethodPost, srv.URL+"/v1/webhooks", `{"name":"a"}`)
		cancel()
		if err != nil {
			t.Fatalf("Retry-After %v: %v", header, err)
		}
		if resp.StatusCode != 201 || string(body) != `{"id":"w1"}` || srv.calls() != 11 {
			t.Errorf("Retry-After %v: got %d %q after %d calls, want 201 after 11", header, resp.StatusCode, body, srv.calls())
		}
	}
}

// MaxRetries still bounds retries after errors, throttling aside.
func TestErrorsStillBoundedWithThrottling(t *testing.T) {
	srv := newScripted(t, step{status: 429}, step{status: 429}, step{status: 502}, step{status: 502}, step{status: 502}, step{status: 200})
	o := fast(nil)
	o.MaxRetries = 1
	resp, _, err := send(t, NewHTTPClient(o), context.Background(), http.MethodGet, srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 502 || srv.calls() != 4 {
		t.Errorf("got %d after %d calls, want the 502 after 2 throttled and 1+1 failed attempts", resp.StatusCode, srv.calls())
	}
}

// At the budget's end the 429 goes to the caller, and the APIError says how
// long the operation waited and how many answers were throttling.
func TestThrottlingStopsAtDeadline(t *testing.T) {
	srv := newScripted(t, step{status: 429, header: map[string]string{"Retry-After": "1"}, body: `{"message":"Too many requests"}`})
	r := throttledRequester(t, srv, fast(nil), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := r.Do(ctx, http.MethodPost, "/v1/webhooks", nil, map[string]string{"name": "a"})
	elapsed := time.Since(start)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Throttling == nil {
		t.Fatalf("err = %#v, want a 429 APIError with Throttling", err)
	}
	s := *apiErr.Throttling
	if s.Answers != srv.calls() || s.Answers < 2 || !s.Spent || s.Waited < time.Second || s.Waited > elapsed {
		t.Errorf("throttling %+v after %d calls in %v", s, srv.calls(), elapsed)
	}
	if elapsed > 2500*time.Millisecond {
		t.Errorf("returned after %v, past the 2.5s deadline", elapsed)
	}
	if ctx.Err() != nil {
		t.Error("the wait ran into the deadline instead of stopping before it")
	}
}

// A caller that attaches a tally sees the whole operation's waiting.
func TestThrottlingTallyAcrossCalls(t *testing.T) {
	srv := newScripted(t, step{status: 429, header: map[string]string{"Retry-After": "0"}}, step{status: 200, body: `{}`})
	r := throttledRequester(t, srv, fast(nil), nil)
	ctx := WithThrottling(context.Background())
	for range 2 {
		if _, err := r.Do(ctx, http.MethodGet, "/x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if s := ThrottlingFrom(ctx).Summary(); s.Answers != 1 || s.Spent {
		t.Errorf("tally %+v, want 1 answer, not spent", s)
	}
}

func TestThrottleWaitHonoursRetryAfterWithJitter(t *testing.T) {
	o := fast(nil).withDefaults()
	seen := map[time.Duration]bool{}
	for range 50 {
		w := throttleWait(o, 1, 4*time.Second, true)
		if w < 4*time.Second || w > 5*time.Second {
			t.Fatalf("Retry-After 4s: wait %v, want 4s to 5s", w)
		}
		seen[w] = true
	}
	if len(seen) < 2 {
		t.Error("no jitter on Retry-After")
	}
	if w := throttleWait(o, 3, 0, false); w < o.RetryWaitMin || w > o.RetryWaitMax {
		t.Errorf("no Retry-After: wait %v outside [%v, %v]", w, o.RetryWaitMin, o.RetryWaitMax)
	}
}

// Retry-After as an HTTP date is honoured: the retry does not come before it.
func TestThrottlingRetryAfterHTTPDate(t *testing.T) {
	date := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
	srv := newScripted(t, step{status: 429, header: map[string]string{"Retry-After": date}}, step{status: 200})
	target, _ := http.ParseTime(date)
	resp, _, err := send(t, NewHTTPClient(fast(nil)), context.Background(), http.MethodGet, srv.URL, "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	if now := time.Now(); now.Before(target) {
		t.Errorf("retried %v before the Retry-After date", target.Sub(now))
	}
}

// A cancelled apply stops waiting at once; the throttled POST is not marked
// as having an unknown outcome (the server did not act).
func TestThrottlingCancelsPromptly(t *testing.T) {
	srv := newScripted(t, step{status: 429, header: map[string]string{"Retry-After": "30"}})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, _, err := send(t, NewHTTPClient(fast(nil)), ctx, http.MethodPost, srv.URL, `{}`)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("err = %v, want context.Canceled without ErrOutcomeUnknown", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("cancellation took %v", elapsed)
	}
	if srv.calls() != 1 {
		t.Errorf("server saw %d requests, want 1", srv.calls())
	}
}

// The pace hears every answer: a 429 cuts it, answers below 500 climb, a
// server error says nothing.
func TestThrottlingReportsToPace(t *testing.T) {
	srv := newScripted(t, step{status: 429, header: map[string]string{"Retry-After": "0"}}, step{status: 502}, step{status: 200, body: `{}`})
	pace := ratelimit.New(0)
	r := throttledRequester(t, srv, fast(nil), pace)
	if _, err := r.Do(context.Background(), http.MethodGet, "/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if s := pace.Stats(); s.Sent != 3 || s.Throttled != 1 || s.Succeeded != 1 || s.Cuts != 1 || s.Rate == 0 {
		t.Errorf("pace stats %+v", s)
	}
}

// With no turn under the pace within the budget, nothing is sent.
func TestPaceWithoutTurnSendsNothing(t *testing.T) {
	srv := newScripted(t, step{status: 200, body: `{}`})
	pace := ratelimit.New(0.5) // one request every 2s
	r := throttledRequester(t, srv, fast(nil), pace)
	if _, err := r.Do(context.Background(), http.MethodGet, "/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := r.Do(ctx, http.MethodGet, "/x", nil, nil)
	if !errors.Is(err, ErrThrottleBudget) || !strings.Contains(err.Error(), "throttling") {
		t.Errorf("err = %v, want ErrThrottleBudget", err)
	}
	if srv.calls() != 1 {
		t.Errorf("server saw %d requests, want 1", srv.calls())
	}
}

// The long-wait report comes at LongThrottleWait, then every LongThrottleEvery.
func TestThrottleEventLong(t *testing.T) {
	var tally Throttling
	tally.addWait(25 * time.Second)
	if e := tally.event(4 * time.Second); e.Long {
		t.Error("Long before 30s")
	}
	tally.addWait(4 * time.Second)
	if e := tally.event(2 * time.Second); !e.Long || e.Waited != 29*time.Second {
		t.Errorf("event %+v, want Long at 31s", e)
	}
	tally.addWait(2 * time.Second)
	if e := tally.event(30 * time.Second); e.Long {
		t.Error("Long again before another minute")
	}
	tally.addWait(30 * time.Second)
	if e := tally.event(31 * time.Second); !e.Long {
		t.Error("no Long a minute after the first")
	}
}
