package transport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/ratelimit"
)

// ErrThrottleBudget is wrapped by the error of a request that was not sent
// because its turn under the credential's learned rate comes after its
// time budget ends.
var ErrThrottleBudget = errors.New("the time budget ends before the request's turn under the rate limit")

// Throttling tallies an operation's waiting on throttling, across its
// requests: WithThrottling attaches one to a context, Requester.Do attaches
// one per call when the context has none.
type Throttling struct {
	mu       sync.Mutex
	waited   time.Duration
	answers  int
	spent    bool
	reported time.Duration // the waited mark of the last Long event
}

// ThrottleSummary is a Throttling's state.
type ThrottleSummary struct {
	Waited  time.Duration // time spent waiting after throttling answers
	Answers int           // throttling answers (429, 503 with Retry-After)
	Spent   bool          // the budget ended the waiting
}

// ThrottleEvent is one throttling answer about to be waited out (OnThrottle).
type ThrottleEvent struct {
	Method, Path string
	Status       int
	Wait         time.Duration // this wait, the pace's turn included
	Waited       time.Duration // the operation's waiting before it
	Answers      int           // the operation's throttling answers, this one included
	Rate         float64       // the credential's pace after this answer (requests per second; 0: no limit)
	// Long is set when Waited+Wait passes LongThrottleWait, and then once
	// every LongThrottleEvery more: the time to tell the user.
	Long bool
}

type throttlingKey struct{}
type paceKey struct{}

// WithThrottling returns ctx with a tally of its own, unless it has one.
func WithThrottling(ctx context.Context) context.Context {
	if ThrottlingFrom(ctx) != nil {
		return ctx
	}
	return context.WithValue(ctx, throttlingKey{}, &Throttling{})
}

// ThrottlingFrom returns the context's tally, or nil.
func ThrottlingFrom(ctx context.Context) *Throttling {
	t, _ := ctx.Value(throttlingKey{}).(*Throttling)
	return t
}

func withPace(ctx context.Context, p *ratelimit.Pace) context.Context {
	return context.WithValue(ctx, paceKey{}, p)
}

func paceFrom(ctx context.Context) *ratelimit.Pace {
	p, _ := ctx.Value(paceKey{}).(*ratelimit.Pace)
	return p
}

// Summary returns the tally.
func (t *Throttling) Summary() ThrottleSummary {
	t.mu.Lock()
	defer t.mu.Unlock()
	return ThrottleSummary{Waited: t.waited, Answers: t.answers, Spent: t.spent}
}

func (t *Throttling) addWait(d time.Duration) {
	t.mu.Lock()
	t.waited += d
	t.mu.Unlock()
}

func (t *Throttling) addAnswer() {
	t.mu.Lock()
	t.answers++
	t.mu.Unlock()
}

func (t *Throttling) spend() {
	t.mu.Lock()
	t.spent = true
	t.mu.Unlock()
}

// event describes the answer just counted, about to be waited out for wait.
func (t *Throttling) event(wait time.Duration) ThrottleEvent {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := ThrottleEvent{Wait: wait, Waited: t.waited, Answers: t.answers}
	next := LongThrottleWait
	if t.reported > 0 {
		next = t.reported + LongThrottleEvery
	}
	if total := t.waited + wait; total >= next {
		e.Long, t.reported = true, total
	}
	return e
}

// noTurnError: the pace had no turn for the request within its budget.
type noTurnError struct{ tally *Throttling }

func (e *noTurnError) Error() string {
	s := e.tally.Summary()
	return fmt.Sprintf("%s (waited %s on throttling; %d throttling answers)", ErrThrottleBudget, s.Waited.Round(time.Millisecond), s.Answers)
}

func (e *noTurnError) Unwrap() error { return ErrThrottleBudget }
