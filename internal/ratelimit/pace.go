// Package ratelimit paces the requests a provider process sends with one
// credential, learning the vendor's rate limit from its throttling answers
// (neither vendor documents one). It knows nothing of HTTP or Terraform.
//
// The rule (AIMD, as TCP and the AWS SDKs' adaptive retry mode do it):
//   - No limit is known at first: a slow start, as TCP's. The pace starts
//     at InitialRate when the first request goes and doubles every
//     SlowStartDoubling until the first throttling answer, and lets
//     requests go as fast as they are made once past SlowStartEnd (about a
//     second). Processes that start together with the same credential (a
//     team's pipelines) so meet the limit with a few requests too many
//     each, not their whole parallelism, while a process that meets no
//     limit loses a fraction of a second. Reads (WaitRead) are not slowed
//     by it: a plan that meets no limit goes at full speed.
//   - On a throttling answer (429) the rate is cut for every caller at once,
//     to Decrease times the lower of the current rate and the rate the
//     server accepted in the last second: what got through is what the
//     limit leaves this process (other processes may share the credential),
//     whatever was sent (nothing accepted: the rate in force). Only answers to requests sent after the last cut
//     cut again: the answers to one burst arrive together and say the same.
//   - Every other answer raises the rate so that each second at rate r adds
//     r·IncreaseFraction (at least MinIncrease): the pace probes back up
//     towards the limit and follows it when it grows. The climb is in
//     proportion to the rate so that processes sharing a limit climb
//     together no faster than one would alone.
//   - A cap (a setting for teams that know their limit) bounds the rate at
//     all times, known limit or not.
package ratelimit

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"sync"
	"time"
)

// Tuning of the rule in the package comment.
const (
	// Decrease is the factor a throttling answer cuts the rate by.
	Decrease = 0.85
	// MinRate is the lowest rate a cut goes to (requests per second).
	MinRate = 0.5
	// IncreaseFraction sets the climb: each second at rate r adds
	// max(MinIncrease, r·IncreaseFraction) requests per second.
	IncreaseFraction = 0.05
	MinIncrease      = 0.5
	// AccelerateAfter is the time after a cut from which the climb doubles
	// every second, up to MaxAcceleration times its pace.
	AccelerateAfter = 2 * time.Second
	MaxAcceleration = 16.0
	// InitialRate, SlowStartDoubling and SlowStartEnd shape the slow start
	// (see above).
	InitialRate       = 50.0
	SlowStartDoubling = 500 * time.Millisecond
	SlowStartEnd      = 1000.0
)

// ErrNoTime is returned by Wait when the pace would make the caller wait
// beyond its deadline: the request is not sent.
var ErrNoTime = errors.New("the request's turn under the learned rate limit comes after the time budget ends")

// Pace is the shared pace of one credential. It is safe for concurrent use.
//
// Callers wait in line (first come, first served) and each turn is timed
// from the rate in force when it comes, not when the caller joined: a rate
// that climbs while callers wait shortens their waits at once.
type Pace struct {
	mu       sync.Mutex
	rate     float64   // learned rate; 0 while no limit is known
	started  time.Time // the first turn, when the slow start began
	cap      float64   // 0: none
	lastCut  time.Time
	last     time.Time     // when the last turn was given
	line     list.List     // of *waiter, in order of arrival
	wake     chan struct{} // closed (and replaced) when waiters must look again
	woken    float64       // the rate when waiters last looked again
	accepted window
	stats    Stats
	now      func() time.Time
}

type waiter struct{}

// Stats are a pace's counters since it was made, for logs and the benchmark.
type Stats struct {
	Sent      int     // turns given
	Throttled int     // throttling answers reported
	Succeeded int     // other answers reported
	Cuts      int     // times the rate was cut
	Rate      float64 // the rate in force; 0: no limit known and no cap
	Cap       float64
}

// New returns a pace with no limit known and the given cap (0: none).
func New(capRPS float64) *Pace {
	p := &Pace{now: time.Now, wake: make(chan struct{})}
	p.SetCap(capRPS)
	return p
}

var (
	sharedMu sync.Mutex
	shared   = map[string]*Pace{}
)

// Shared returns the process's one pace for a credential: parts name it
// (the service, the API's host, the credential headers' values), and are
// kept only as a SHA-256, never as they are. capRPS > 0 lowers its cap to
// capRPS when that is lower (the strictest cap configured for a credential
// wins); 0 leaves it.
func Shared(capRPS float64, parts ...string) *Pace {
	h := sha256.New()
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	key := hex.EncodeToString(h.Sum(nil))
	sharedMu.Lock()
	defer sharedMu.Unlock()
	p := shared[key]
	if p == nil {
		p = New(0)
		shared[key] = p
	}
	if capRPS > 0 {
		p.mu.Lock()
		if p.cap == 0 || capRPS < p.cap {
			p.setCap(capRPS)
		}
		p.mu.Unlock()
	}
	return p
}

// SetCap sets the cap (requests per second; 0: none).
func (p *Pace) SetCap(capRPS float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setCap(capRPS)
}

// setCap is SetCap with p.mu held.
func (p *Pace) setCap(capRPS float64) {
	p.cap = max(capRPS, 0)
	if p.cap > 0 && p.rate > p.cap {
		p.rate = p.cap
	}
	p.apply()
}

// inForce is the rate in force at now (0: none): the learned rate, else
// the slow start's, bounded by the cap. p.mu is held.
func (p *Pace) inForce(now time.Time) float64 {
	r := p.rate
	if r == 0 {
		r = p.slowStart(now)
	}
	if p.cap > 0 && (r == 0 || r > p.cap) {
		r = p.cap
	}
	return r
}

// slowStart is the slow start's rate at now; 0 once past SlowStartEnd.
// p.mu is held.
func (p *Pace) slowStart(now time.Time) float64 {
	if p.started.IsZero() {
		return InitialRate
	}
	r := InitialRate * math.Exp2(float64(now.Sub(p.started))/float64(SlowStartDoubling))
	if r > SlowStartEnd {
		return 0
	}
	return r
}

// apply publishes the rate in force and lets the waiters time their turns
// by it. p.mu is held.
func (p *Pace) apply() {
	r := p.inForce(p.now())
	p.stats.Rate, p.stats.Cap = r, p.cap
	// Waiters time their turns by the rate they saw: a higher one must
	// reach them (a lower one they find when they wake). Small steps of
	// the climb wait until they add up, or every answer would wake all.
	if r == 0 || p.woken != 0 && r > p.woken*1.02 {
		p.woken = r
		p.wakeAll()
	} else if r < p.woken || p.woken == 0 {
		p.woken = r
	}
}

// wakeAll makes every waiter look at its turn again. p.mu is held.
func (p *Pace) wakeAll() {
	if p.line.Len() == 0 {
		return
	}
	close(p.wake)
	p.wake = make(chan struct{})
}

// interval is the time between turns at the rate in force at now; 0:
// none. p.mu is held.
func (p *Pace) interval(now time.Time) time.Duration {
	r := p.inForce(now)
	if r == 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / r)
}

// turnAt is when the waiter at position pos (0: first in line) gets its
// turn at the rate in force. p.mu is held.
func (p *Pace) turnAt(pos int, now time.Time) time.Time {
	iv := p.interval(now)
	first := p.last.Add(iv)
	if first.Before(now) {
		first = now
	}
	return first.Add(time.Duration(pos) * iv)
}

// Expect estimates when a caller joining the line at at gets its turn, at
// the rate in force now (a retry's wait checks it against its budget).
func (p *Pace) Expect(at time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.turnAt(p.line.Len(), at)
}

// Wait blocks until the caller's turn, or returns ctx's error when it ends
// first, or ErrNoTime (at once) when the turn, at the rate in force, comes
// after ctx's deadline.
func (p *Pace) Wait(ctx context.Context) error { return p.wait(ctx, false) }

// WaitRead is Wait for a request that only reads: the slow start does not
// pace it (a plan of many resources that meets no limit is not slowed, and
// a throttled read is safely sent again); a learned rate or a cap does.
func (p *Pace) WaitRead(ctx context.Context) error { return p.wait(ctx, true) }

func (p *Pace) wait(ctx context.Context, read bool) error {
	deadline, _ := ctx.Deadline()
	p.mu.Lock()
	now := p.now()
	if read && p.rate == 0 && p.cap == 0 {
		p.countSent()
		p.mu.Unlock()
		return ctx.Err()
	}
	if p.line.Len() == 0 && !p.turnAt(0, now).After(now) {
		p.give(now)
		p.mu.Unlock()
		return ctx.Err()
	}
	me := p.line.PushBack(&waiter{})
	leave := func(err error) error {
		p.line.Remove(me)
		p.wakeAll() // the ones behind move up
		p.mu.Unlock()
		return err
	}
	for {
		pos := 0
		for e := p.line.Front(); e != me; e = e.Next() {
			pos++
		}
		at := p.turnAt(pos, now)
		if pos == 0 && !at.After(now) {
			p.line.Remove(me)
			p.give(now)
			p.wakeAll() // the next one is first now
			p.mu.Unlock()
			return nil
		}
		if !deadline.IsZero() && at.After(deadline) {
			return leave(ErrNoTime)
		}
		wake := p.wake
		p.mu.Unlock()
		timer := time.NewTimer(at.Sub(now))
		select {
		case <-ctx.Done():
			timer.Stop()
			p.mu.Lock()
			return leave(ctx.Err())
		case <-timer.C:
		case <-wake:
			timer.Stop()
		}
		p.mu.Lock()
		now = p.now()
	}
}

// give records a turn given at now. p.mu is held.
func (p *Pace) give(now time.Time) {
	// A turn given late (timers fire late) keeps the schedule: the next is
	// timed from when this one was due, unless the pace has been idle.
	if p.started.IsZero() {
		p.started = now
	}
	iv := p.interval(now)
	p.last = p.last.Add(iv)
	if iv == 0 || p.last.Before(now.Add(-iv)) || p.last.After(now) {
		p.last = now
	}
	p.countSent()
}

// countSent counts one turn given. p.mu is held.
func (p *Pace) countSent() {
	p.stats.Sent++
}

// window counts events in the current and the previous whole second.
type window struct {
	bucket    time.Time
	cur, prev int
}

// add counts one event at t.
func (w *window) add(t time.Time) {
	sec := t.Truncate(time.Second)
	switch {
	case sec.Equal(w.bucket):
	case sec.Sub(w.bucket) == time.Second:
		w.prev, w.cur, w.bucket = w.cur, 0, sec
	case sec.After(w.bucket):
		w.prev, w.cur, w.bucket = 0, 0, sec
	default: // earlier than the newest bucket: count it there
	}
	w.cur++
}

// rate estimates the events in the second before now.
func (w *window) rate(now time.Time) float64 {
	sec := now.Truncate(time.Second)
	cur, prev := float64(w.cur), float64(w.prev)
	switch {
	case sec.Equal(w.bucket):
	case sec.Sub(w.bucket) == time.Second:
		cur, prev = 0, cur
	default:
		return 0
	}
	frac := float64(now.Sub(sec)) / float64(time.Second)
	return cur + prev*(1-frac)
}

// Throttled reports a throttling answer to a request sent at sent: the
// rate is cut (see the package comment), unless the request was sent
// before the last cut, whose answers say nothing new: once per round of
// requests, as TCP cuts once per window. It returns the rate in force
// afterwards.
func (p *Pace) Throttled(sent time.Time) float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Throttled++
	now := p.now()
	if !p.lastCut.IsZero() && sent.Before(p.lastCut) {
		return p.inForce(now)
	}
	base := p.rate
	if base == 0 {
		base = p.slowStart(now)
	}
	if base == 0 { // past the slow start: it ended at SlowStartEnd
		base = SlowStartEnd
	}
	// Nothing accepted says nothing of the limit's size (a first request,
	// or a process joining a limit others use up): the cut then starts
	// from the rate in force, and cuts again while answers stay 429.
	if got := p.accepted.rate(now); got > 0 && (base == 0 || got < base) {
		base = got
	}
	if p.cap > 0 && base > p.cap {
		base = p.cap
	}
	p.rate = max(base*Decrease, MinRate)
	p.lastCut = now
	p.stats.Cuts++
	p.apply()
	return p.stats.Rate
}

// Succeeded reports an answer that was not throttling: the rate climbs
// while a limit is known (see the package comment).
func (p *Pace) Succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Succeeded++
	now := p.now()
	p.accepted.add(now)
	if p.rate == 0 {
		return // the slow start grows with time
	}
	step := max(MinIncrease, p.rate*IncreaseFraction)
	// The longer no answer was throttling, the faster the climb: room the
	// limit has made (another process sharing the credential finished) is
	// found within seconds, while right after a cut the pace stays near
	// the rate that worked.
	if calm := now.Sub(p.lastCut) - AccelerateAfter; calm > 0 {
		step *= min(math.Exp2(calm.Seconds()), MaxAcceleration)
	}
	p.rate += step / p.rate
	if p.cap > 0 && p.rate > p.cap {
		p.rate = p.cap
	}
	if math.IsInf(p.rate, 0) || math.IsNaN(p.rate) {
		p.rate = 0
	}
	p.apply()
}

// Stats returns the counters, and the rate in force now.
func (p *Pace) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Rate = p.inForce(p.now())
	return s
}
