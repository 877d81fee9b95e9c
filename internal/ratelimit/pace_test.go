package ratelimit

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"
)

// clock is a settable now for a pace.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClocked(capRPS float64) (*Pace, *clock) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := New(0)
	p.now = c.now
	p.SetCap(capRPS)
	return p, c
}

func TestNoLimitKnownAtFirst(t *testing.T) {
	p, c := newClocked(0)
	for i := range 100 {
		if d, ok := p.Reserve(c.now(), time.Time{}); !ok || d != 0 {
			t.Fatalf("request %d waits %v (ok %v) before any throttling, want 0", i, d, ok)
		}
	}
	if s := p.Stats(); s.Rate != 0 || s.Sent != 100 {
		t.Errorf("stats %+v, want no rate and 100 sent", s)
	}
}

// A 429 cuts the rate to Decrease times what was sent in the last second,
// once per CutInterval, for every caller at once.
func TestThrottledCutsOncePerInterval(t *testing.T) {
	p, c := newClocked(0)
	c.add(500 * time.Millisecond)
	for range 40 { // 40 requests in the current second
		p.Reserve(c.now(), time.Time{})
	}
	got := p.Throttled()
	if want := 40 * Decrease; math.Abs(got-want) > 0.01 {
		t.Fatalf("rate after the first 429 = %v, want %v", got, want)
	}
	// The rest of the burst's answers say the same thing: no further cut.
	for range 10 {
		if r := p.Throttled(); r != got {
			t.Fatalf("a 429 within CutInterval cut again: %v", r)
		}
	}
	// A second later, half of the last second's 40 were sent (20/s): the
	// cut starts from the lower of that and the rate in force.
	c.add(CutInterval)
	if r := p.Throttled(); math.Abs(r-20*Decrease) > 0.01 {
		t.Errorf("a 429 after CutInterval: rate %v, want %v", r, 20*Decrease)
	}
	if s := p.Stats(); s.Cuts != 2 || s.Throttled != 12 {
		t.Errorf("stats %+v, want 2 cuts of 12 throttled answers", s)
	}
	// Every caller now takes turns at the cut rate (burst 1).
	at := c.now()
	_, _ = p.Reserve(at, time.Time{})
	d, _ := p.Reserve(at, time.Time{})
	if want := time.Duration(float64(time.Second) / p.Stats().Rate); d < want-time.Millisecond || d > want+time.Millisecond {
		t.Errorf("second turn after %v, want %v", d, want)
	}
}

func TestThrottledOnFirstRequestAndFloor(t *testing.T) {
	p, _ := newClocked(0)
	if r := p.Throttled(); r != MinIncrease*Decrease {
		t.Errorf("rate after a 429 with nothing measured = %v, want %v", r, MinIncrease*Decrease)
	}
	p, c := newClocked(0)
	for range 20 {
		c.add(CutInterval)
		p.Throttled()
	}
	if r := p.Stats().Rate; r != MinRate {
		t.Errorf("rate after many cuts = %v, want the floor %v", r, MinRate)
	}
}

// Answers that are not throttling probe back up, towards and past the rate
// of the cut, by about max(MinIncrease, r·IncreaseFraction) per r answers.
func TestSucceededRecovers(t *testing.T) {
	p, c := newClocked(0)
	c.add(500 * time.Millisecond)
	for range 20 {
		p.Reserve(c.now(), time.Time{})
	}
	cut := p.Throttled() // 17
	for range 17 {
		p.Succeeded()
	}
	after := p.Stats().Rate
	if after <= cut || after > cut+1.1 {
		t.Errorf("rate after one second of successes at %v: %v, want about +1", cut, after)
	}
	for range 1000 {
		p.Succeeded()
	}
	if r := p.Stats().Rate; r <= 20 {
		t.Errorf("rate after 1000 successes = %v, want it past the rate before the cut (20)", r)
	}
}

// A cap bounds the rate with no limit known, after cuts and while climbing.
func TestCap(t *testing.T) {
	p, c := newClocked(5)
	if r := p.Stats().Rate; r != 5 {
		t.Fatalf("rate with cap 5 and nothing learned = %v", r)
	}
	at := c.now()
	var last time.Duration
	for range 5 {
		last, _ = p.Reserve(at, time.Time{})
	}
	if last != 800*time.Millisecond {
		t.Errorf("fifth turn at cap 5/s after %v, want 800ms", last)
	}
	for range 1000 {
		p.Succeeded()
	}
	if r := p.Stats().Rate; r != 5 {
		t.Errorf("rate climbed to %v past the cap", r)
	}
	c.add(2 * time.Second)
	if r := p.Throttled(); r > 5*Decrease+0.001 {
		t.Errorf("rate after a 429 under cap 5 = %v", r)
	}
	for range 1000 {
		p.Succeeded()
	}
	if r := p.Stats().Rate; r != 5 {
		t.Errorf("rate climbed back to %v, want the cap 5", r)
	}
}

func TestReserveBeyondDeadline(t *testing.T) {
	p, c := newClocked(1)
	at := c.now()
	if _, ok := p.Reserve(at, at.Add(time.Second)); !ok {
		t.Fatal("first turn refused")
	}
	if _, ok := p.Reserve(at, at.Add(500*time.Millisecond)); ok {
		t.Fatal("a turn 1s away granted within a 500ms deadline")
	}
	// The refused turn was given back: the next one is still 1s away.
	if d, ok := p.Reserve(at, at.Add(2*time.Second)); !ok || d != time.Second {
		t.Errorf("next turn after %v (ok %v), want 1s", d, ok)
	}
}

func TestWait(t *testing.T) {
	p := New(1)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(ctx); !errors.Is(err, ErrNoTime) {
		t.Errorf("Wait beyond the deadline = %v, want ErrNoTime", err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel2)
	start := time.Now()
	if err := p.Wait(ctx2); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait cancelled = %v", err)
	}
	if time.Since(start) > 800*time.Millisecond {
		t.Errorf("a cancelled Wait returned after %v", time.Since(start))
	}
}

// One pace per credential in the process; the strictest cap wins; nothing
// of the parts is kept but a hash.
func TestShared(t *testing.T) {
	a := Shared(0, "Jelou", "127.0.0.1:1", "x-api-key", "k1")
	if Shared(0, "Jelou", "127.0.0.1:1", "x-api-key", "k1") != a {
		t.Fatal("the same credential got two paces")
	}
	if Shared(0, "Jelou", "127.0.0.1:1", "x-api-key", "k2") == a {
		t.Fatal("two credentials share a pace")
	}
	Shared(10, "Jelou", "127.0.0.1:1", "x-api-key", "k1")
	Shared(20, "Jelou", "127.0.0.1:1", "x-api-key", "k1")
	if c := a.Stats().Cap; c != 10 {
		t.Errorf("cap = %v, want the lowest configured, 10", c)
	}
	sharedMu.Lock()
	for k := range shared {
		if len(k) != 64 {
			t.Errorf("key %q is not a SHA-256", k)
		}
	}
	sharedMu.Unlock()
}

// Many goroutines reserve and report at once (run with -race): every
// attempt is counted once, and a 429 seen by one slows them all.
func TestConcurrentCallers(t *testing.T) {
	p := New(0)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			for range 20 {
				p.Reserve(time.Now(), time.Time{})
				if i == 7 {
					p.Throttled()
				} else {
					p.Succeeded()
				}
			}
		})
	}
	wg.Wait()
	s := p.Stats()
	if s.Sent != 1000 || s.Throttled != 20 || s.Succeeded != 980 || s.Cuts < 1 || s.Rate == 0 {
		t.Errorf("stats %+v", s)
	}
}
