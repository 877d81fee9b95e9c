// Package ratelimit paces the requests a provider process sends with one
// credential, learning the vendor's rate limit from its throttling answers
// (neither vendor documents one). It knows nothing of HTTP or Terraform.
//
// The rule (AIMD, as TCP and the AWS SDKs' adaptive retry mode do it):
//   - No limit is known at first: requests go as fast as they are made.
//   - On a throttling answer (429) the rate is cut for every caller at once,
//     to Decrease times the lower of the current rate and the rate actually
//     sent in the last second; at most once per CutInterval, since the
//     answers to one burst arrive together and say the same thing.
//   - Every other answer raises the rate by Increase/rate (about Increase
//     requests per second more for each second at that rate), so the pace
//     probes back up towards the limit and follows it when it grows.
//   - A cap (a setting for teams that know their limit) bounds the rate at
//     all times, known limit or not.
package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Tuning of the rule in the package comment.
const (
	// Decrease is the factor a throttling answer cuts the rate by.
	Decrease = 0.85
	// CutInterval is the least time between two cuts.
	CutInterval = time.Second
	// MinRate is the lowest rate a cut goes to (requests per second).
	MinRate = 0.5
	// IncreaseFraction sets the climb: each second at rate r adds
	// max(MinIncrease, r·IncreaseFraction) requests per second.
	IncreaseFraction = 0.05
	MinIncrease      = 1.0
)

// ErrNoTime is returned by Wait when the pace would make the caller wait
// beyond its deadline: the request is not sent.
var ErrNoTime = errors.New("the request's turn under the learned rate limit comes after the time budget ends")

// Pace is the shared pace of one credential. It is safe for concurrent use.
type Pace struct {
	mu      sync.Mutex
	lim     *rate.Limiter
	rate    float64 // learned rate; 0 while no limit is known
	cap     float64 // 0: none
	lastCut time.Time
	// sent counts attempts in the current and the previous second, for the
	// rate actually sent when the first cut comes.
	bucket    time.Time
	cur, prev int
	stats     Stats
	now       func() time.Time
}

// Stats are a pace's counters since it was made, for logs and the benchmark.
type Stats struct {
	Sent      int     // attempts paced (Wait or Reserve granted)
	Throttled int     // throttling answers reported
	Succeeded int     // other answers reported
	Cuts      int     // times the rate was cut
	Rate      float64 // the rate in force; 0: no limit known and no cap
	Cap       float64
}

// New returns a pace with no limit known and the given cap (0: none).
func New(capRPS float64) *Pace {
	p := &Pace{lim: rate.NewLimiter(rate.Inf, 1), now: time.Now}
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

// apply sets the limiter to the rate in force. p.mu is held.
func (p *Pace) apply() {
	r := p.rate
	if p.cap > 0 && (r == 0 || r > p.cap) {
		r = p.cap
	}
	p.stats.Rate, p.stats.Cap = r, p.cap
	if r == 0 {
		p.lim.SetLimitAt(p.now(), rate.Inf)
		return
	}
	p.lim.SetLimitAt(p.now(), rate.Limit(r))
}

// Reserve takes the next turn for an attempt to be sent at the earliest at
// at, and returns how long after at it may go. ok is false when that is
// after deadline (a zero deadline is none): the turn is then given back.
func (p *Pace) Reserve(at, deadline time.Time) (time.Duration, bool) {
	r := p.lim.ReserveN(at, 1)
	if !r.OK() {
		return 0, false
	}
	d := r.DelayFrom(at)
	if !deadline.IsZero() && at.Add(d).After(deadline) {
		r.CancelAt(at)
		return 0, false
	}
	p.mu.Lock()
	p.countSent(at.Add(d))
	p.mu.Unlock()
	return d, true
}

// Wait blocks until the next turn, or returns ctx's error when it ends
// first, or ErrNoTime (at once) when the turn comes after ctx's deadline.
func (p *Pace) Wait(ctx context.Context) error {
	deadline, _ := ctx.Deadline()
	d, ok := p.Reserve(p.now(), deadline)
	if !ok {
		return ErrNoTime
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// countSent counts one attempt at t in the per-second buckets. p.mu is held.
func (p *Pace) countSent(t time.Time) {
	p.stats.Sent++
	sec := t.Truncate(time.Second)
	switch {
	case sec.Equal(p.bucket):
	case sec.Sub(p.bucket) == time.Second:
		p.prev, p.cur, p.bucket = p.cur, 0, sec
	case sec.After(p.bucket):
		p.prev, p.cur, p.bucket = 0, 0, sec
	default: // a turn reserved earlier than the newest bucket: count it there
	}
	p.cur++
}

// sentRate estimates the attempts sent in the last second. p.mu is held.
func (p *Pace) sentRate(now time.Time) float64 {
	sec := now.Truncate(time.Second)
	cur, prev := float64(p.cur), float64(p.prev)
	switch {
	case sec.Equal(p.bucket):
	case sec.Sub(p.bucket) == time.Second:
		cur, prev = 0, cur
	default:
		return 0
	}
	frac := float64(now.Sub(sec)) / float64(time.Second)
	return cur + prev*(1-frac)
}

// Throttled reports a throttling answer: the rate is cut (see the package
// comment). It returns the rate in force afterwards.
func (p *Pace) Throttled() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Throttled++
	now := p.now()
	if !p.lastCut.IsZero() && now.Sub(p.lastCut) < CutInterval {
		return p.stats.Rate
	}
	base := p.rate
	if sent := p.sentRate(now); sent > 0 && (base == 0 || sent < base) {
		base = sent
	}
	if base == 0 { // nothing measured (a 429 on the very first request)
		base = MinIncrease
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
	if p.rate == 0 {
		return
	}
	step := max(MinIncrease, p.rate*IncreaseFraction)
	p.rate += step / p.rate
	if p.cap > 0 && p.rate > p.cap {
		p.rate = p.cap
	}
	if math.IsInf(p.rate, 0) || math.IsNaN(p.rate) {
		p.rate = 0
	}
	p.apply()
}

// Stats returns the counters.
func (p *Pace) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}
