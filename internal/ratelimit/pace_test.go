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

// With no limit known the pace starts at InitialRate when the first turn
// goes, doubles every SlowStartDoubling, and stops pacing past
// SlowStartEnd; answers do not change it.
func TestSlowStart(t *testing.T) {
	p, c := newClocked(0)
	if r := p.Stats().Rate; r != InitialRate {
		t.Fatalf("rate of a new pace = %v, want InitialRate %v", r, InitialRate)
	}
	c.add(time.Hour) // idle before the first request: the slow start has not begun
	ctx := context.Background()
	if err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if r := p.Stats().Rate; r != InitialRate {
		t.Errorf("rate at the first turn = %v, want InitialRate %v", r, InitialRate)
	}
	if at := p.turnAt(0, c.now()); at.Sub(c.now()) != time.Duration(float64(time.Second)/InitialRate) {
		t.Errorf("the second turn is due after %v, want 1/InitialRate", at.Sub(c.now()))
	}
	c.add(SlowStartDoubling)
	for range 100 {
		p.Succeeded()
	}
	if r := p.Stats().Rate; math.Abs(r-2*InitialRate) > 0.001 {
		t.Errorf("rate a doubling later = %v, want %v", r, 2*InitialRate)
	}
	c.add(time.Duration(math.Log2(SlowStartEnd/InitialRate)) * SlowStartDoubling)
	if r := p.Stats().Rate; r != 0 {
		t.Errorf("rate past SlowStartEnd = %v, want 0 (no pacing)", r)
	}
	for i := range 100 {
		if err := p.Wait(ctx); err != nil {
			t.Fatalf("turn %d: %v", i, err)
		}
	}
}

// Reads are not paced by the slow start, only by a learned rate or a cap.
func TestWaitReadSkipsTheSlowStart(t *testing.T) {
	ctx := context.Background()
	p, c := newClocked(0)
	for i := range 1000 {
		if err := p.WaitRead(ctx); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if s := p.Stats(); s.Sent != 1000 || s.Rate != InitialRate {
		t.Errorf("after 1000 reads at once: %+v, want 1000 sent and the slow start not begun", s)
	}
	for range 10 {
		p.Succeeded()
	}
	p.Throttled(c.now())
	_ = p.WaitRead(ctx)
	if at := p.turnAt(0, c.now()); !at.After(c.now()) {
		t.Error("after a cut a read's turn is not paced")
	}
}

// A 429 cuts the rate to Decrease times what the server accepted in the
// last second (or the rate in force, when lower); answers to requests sent
// before that cut do not cut again, later ones do.
func TestThrottledCutsFromAccepted(t *testing.T) {
	p, c := newClocked(0)
	c.add(500 * time.Millisecond)
	for range 30 {
		p.Succeeded()
	}
	sent := c.now()
	c.add(10 * time.Millisecond)
	got := p.Throttled(sent)
	if want := 30 * Decrease; math.Abs(got-want) > 0.01 {
		t.Fatalf("rate after the first 429 = %v, want %v (30 accepted)", got, want)
	}
	for range 10 {
		if r := p.Throttled(sent); r != got {
			t.Fatalf("a 429 to a request sent before the cut cut again: %v", r)
		}
	}
	c.add(10 * time.Millisecond)
	again := p.Throttled(c.now())
	if want := got * Decrease; math.Abs(again-want) > 0.01 {
		t.Errorf("a 429 to a request sent after the cut: rate %v, want %v", again, want)
	}
	if s := p.Stats(); s.Cuts != 2 || s.Throttled != 12 || s.Succeeded != 30 {
		t.Errorf("stats %+v, want 2 cuts of 12 throttled answers, 30 succeeded", s)
	}
}

// A 429 with nothing accepted cuts from the rate in force; many cuts stop
// at the floor.
func TestThrottledFloor(t *testing.T) {
	p, c := newClocked(0)
	if r := p.Throttled(c.now()); r != InitialRate*Decrease {
		t.Errorf("rate after a 429 with nothing accepted = %v, want %v", r, InitialRate*Decrease)
	}
	p, c = newClocked(0)
	for range 5 {
		p.Succeeded()
	}
	for range 20 {
		c.add(time.Millisecond)
		p.Throttled(c.now())
	}
	if r := p.Stats().Rate; r != MinRate {
		t.Errorf("rate after many cuts = %v, want the floor %v", r, MinRate)
	}
}

// Answers that are not throttling probe back up by about
// max(MinIncrease, r·IncreaseFraction) per second at rate r, and faster
// the longer no answer was throttling.
func TestSucceededRecovers(t *testing.T) {
	p, c := newClocked(0)
	for range 20 {
		p.Succeeded()
	}
	cut := p.Throttled(c.now()) // 17
	for range 17 {
		p.Succeeded()
	}
	after := p.Stats().Rate
	if want := cut + max(MinIncrease, cut*IncreaseFraction); after <= cut || math.Abs(after-want) > 0.1 {
		t.Errorf("rate after one second of answers at %v: %v, want about %v", cut, after, want)
	}
	c.add(AccelerateAfter + 3*time.Second) // calm for 3 s past AccelerateAfter: 8 times the step
	before := p.Stats().Rate
	for range int(before) {
		p.Succeeded()
	}
	step := p.Stats().Rate - before
	if want := 8 * max(MinIncrease, before*IncreaseFraction); math.Abs(step-want) > 0.2*want {
		t.Errorf("step after a calm of %v = %v, want about %v", AccelerateAfter+3*time.Second, step, want)
	}
	for range 1000 {
		p.Succeeded()
	}
	if r := p.Stats().Rate; r <= 20 {
		t.Errorf("rate after 1000 answers = %v, want it past the rate before the cut (20)", r)
	}
}

// A cap bounds the rate in the slow start, after cuts and while climbing;
// turns come at the cap's interval.
func TestCap(t *testing.T) {
	p, c := newClocked(5)
	if r := p.Stats().Rate; r != 5 {
		t.Fatalf("rate with cap 5 and nothing learned = %v", r)
	}
	if at := p.turnAt(4, c.now()); at.Sub(c.now()) != 4*200*time.Millisecond {
		t.Errorf("fifth in line at cap 5/s after %v, want 800ms", at.Sub(c.now()))
	}
	for range 1000 {
		p.Succeeded()
	}
	if r := p.Stats().Rate; r != 5 {
		t.Errorf("rate climbed to %v past the cap", r)
	}
	c.add(2 * time.Second)
	for range 5 {
		p.Succeeded()
	}
	if r := p.Throttled(c.now()); r > 5*Decrease+0.001 {
		t.Errorf("rate after a 429 under cap 5 = %v", r)
	}
	for range 1000 {
		p.Succeeded()
	}
	if r := p.Stats().Rate; r != 5 {
		t.Errorf("rate climbed back to %v, want the cap 5", r)
	}
}

// A turn that comes after the deadline is refused at once; a cancelled
// wait returns at once; callers behind move up.
func TestWaitDeadlineAndCancel(t *testing.T) {
	p := New(1)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := p.Wait(ctx); !errors.Is(err, ErrNoTime) {
		t.Errorf("Wait beyond the deadline = %v, want ErrNoTime", err)
	}
	if time.Since(start) > 100*time.Millisecond {
		t.Errorf("ErrNoTime came after %v, want at once", time.Since(start))
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel2)
	start = time.Now()
	if err := p.Wait(ctx2); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait cancelled = %v", err)
	}
	if time.Since(start) > 800*time.Millisecond {
		t.Errorf("a cancelled Wait returned after %v", time.Since(start))
	}
	if p.line.Len() != 0 {
		t.Errorf("%d waiters left in line", p.line.Len())
	}
}

// A rate that rises while callers wait shortens their waits at once: turns
// are timed when they come, not when the callers joined.
func TestWaitRetimesWhenTheRateRises(t *testing.T) {
	p := New(0)
	p.Succeeded()
	p.Throttled(time.Now()) // one accepted: a turn every 1.2 s
	ctx := context.Background()
	if err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan time.Duration)
	start := time.Now()
	for range 3 {
		go func() {
			_ = p.Wait(ctx)
			done <- time.Since(start)
		}()
	}
	time.Sleep(50 * time.Millisecond)
	p.mu.Lock()
	p.rate = 100
	p.apply()
	p.mu.Unlock()
	for range 3 {
		if d := <-done; d > time.Second {
			t.Errorf("a waiter got its turn after %v; at 100/s it is due within 100ms of the rise", d)
		}
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

// Many goroutines wait and report at once (run with -race): every turn is
// counted once, the cap holds, and a 429 seen by one slows them all.
func TestConcurrentCallers(t *testing.T) {
	p := New(2000)
	ctx := context.Background()
	start := time.Now()
	throttled := make(chan struct{}, 20)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			for range 20 {
				if err := p.Wait(ctx); err != nil {
					t.Error(err)
					return
				}
				if i == 7 {
					throttled <- struct{}{}
				} else {
					p.Succeeded()
				}
			}
		})
	}
	wg.Wait()
	close(throttled)
	for range throttled { // reported at once, after the turns: one cut
		wg.Go(func() { p.Throttled(time.Time{}) })
	}
	wg.Wait()
	s := p.Stats()
	if s.Sent != 1000 || s.Throttled != 20 || s.Succeeded != 980 || s.Cuts != 1 {
		t.Errorf("stats %+v, want 1000 sent, 20 throttled, 980 succeeded, 1 cut (all 429s to requests sent before it)", s)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("1000 turns under a cap of 2000/s took %v, want at least 0.5 s", d)
	}
}
