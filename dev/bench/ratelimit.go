package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// RateLimitResult is the ratelimit suite: one apply of N webhooks against an
// emulator that answers 429 (with Retry-After) beyond Limit requests per second.
type RateLimitResult struct {
	Limit    float64
	N        int
	Wall     time.Duration  // the whole apply
	ExitCode int            // the CLI's exit status
	Errors   int            // "Error:" diagnostics in its output
	Created  int            // webhooks the emulator holds afterwards
	Requests int            // vendor-API requests, 429s included
	Limited  int            // 429 answers of the rate limit
	Counts   map[string]int // requests by key
	// Timeline is the number of webhooks created so far (accepted create
	// requests), sampled every 50 ms.
	Timeline []TimelinePoint
}

// TimelinePoint is the running count of accepted create requests at one moment.
type TimelinePoint struct {
	At       time.Duration // since the apply started
	Accepted int
}

// Accepted is the number of requests the limit let through.
func (r *RateLimitResult) Accepted() int { return r.Requests - r.Limited }

// OverallRPS is the accepted requests per second of the whole apply
// (Terraform's start and plan included).
func (r *RateLimitResult) OverallRPS() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Accepted()) / r.Wall.Seconds()
}

// LimitedShare is the share of the requests answered 429.
func (r *RateLimitResult) LimitedShare() float64 {
	if r.Requests == 0 {
		return 0
	}
	return float64(r.Limited) / float64(r.Requests)
}

// Failed is the number of webhooks the apply did not create.
func (r *RateLimitResult) Failed() int { return r.N - r.Created }

// Retries is the number of create requests beyond one per webhook.
func (r *RateLimitResult) Retries() int {
	posts := 0
	for key, n := range r.Counts {
		if jurichatMethod(key) == "POST" {
			posts += n
		}
	}
	return max(0, posts-r.N)
}

// CreatePhase is when the apply was creating webhooks: from the last sample
// before the first creation to the first sample after the last one, so it
// holds them all (the rate over it is never flattered by the sampling).
func (r *RateLimitResult) CreatePhase() (from, to time.Duration) {
	if len(r.Timeline) == 0 {
		return 0, 0
	}
	last := r.Timeline[len(r.Timeline)-1].Accepted
	for _, p := range r.Timeline {
		if p.Accepted == 0 {
			from = p.At
		}
		if p.Accepted == last {
			return from, p.At
		}
	}
	return from, from
}

// Allowed is how many requests the limit lets through over the create
// phase: the bucket's burst (one second's worth) and the rate over the phase.
func (r *RateLimitResult) Allowed() float64 {
	from, to := r.CreatePhase()
	return max(1, r.Limit) + r.Limit*(to-from).Seconds()
}

// Share is the accepted requests over the create phase (the creates and the
// event catalogue) as a share of Allowed.
func (r *RateLimitResult) Share() float64 {
	if len(r.Timeline) == 0 {
		return 0
	}
	return float64(r.Accepted()) / r.Allowed()
}

// SustainedRPS is the webhooks created per second over the create phase.
func (r *RateLimitResult) SustainedRPS() float64 {
	from, to := r.CreatePhase()
	if to <= from || len(r.Timeline) == 0 {
		return 0
	}
	return float64(r.Timeline[len(r.Timeline)-1].Accepted) / (to - from).Seconds()
}

// BusiestRPS is the most accepted requests in any window of one second.
func (r *RateLimitResult) BusiestRPS() float64 { return BusiestWindow(r.Timeline, time.Second) }

// BusiestWindow returns the largest increase of Accepted over any window of
// the given width, per second.
func BusiestWindow(points []TimelinePoint, width time.Duration) float64 {
	best, j := 0, 0
	for i, p := range points {
		for j < i && p.At-points[j].At > width {
			j++
		}
		best = max(best, p.Accepted-points[j].Accepted)
	}
	return float64(best) / width.Seconds()
}

// medianRun returns the run with the median share (the lower middle one
// for an even count); nil for none.
func medianRun[R interface{ Share() float64 }](runs []R) R {
	var none R
	if len(runs) == 0 {
		return none
	}
	s := slices.Clone(runs)
	slices.SortStableFunc(s, func(a, b R) int { return cmp.Compare(a.Share(), b.Share()) })
	return s[(len(s)-1)/2]
}

var errorDiag = regexp.MustCompile(`(?m)^(?:│ )?Error: `)

func (r *runner) rateLimit(ctx context.Context) (*RateLimitResult, error) {
	res := &RateLimitResult{Limit: float64(r.cfg.RateLimit), N: r.cfg.RateN}
	opts := emulator.DefaultOptions()
	opts.RateLimit = res.Limit
	emu, stopEmulator, err := startEmulator(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer stopEmulator()
	dir := filepath.Join(r.tmp, "ratelimit")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(jurichatConfig(res.N, 1, emu)), 0o644); err != nil {
		return nil, err
	}

	accepted := func() int { return len(emu.JurichatWebhooks()) }
	t0 := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			res.Timeline = append(res.Timeline, TimelinePoint{At: time.Since(t0), Accepted: accepted()})
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	s, out, err := r.terraform(ctx, dir, OpCreate.args())
	close(stop)
	wg.Wait()
	res.Timeline = append(res.Timeline, TimelinePoint{At: time.Since(t0), Accepted: accepted()})
	res.Wall = s.Wall
	var ee *tfrun.ExitError
	switch {
	case errors.As(err, &ee):
		res.ExitCode = ee.Code
	case err != nil:
		return nil, err
	}
	res.Errors = len(errorDiag.FindAllStringIndex(out, -1))
	res.Created = len(emu.JurichatWebhooks())
	res.Counts = emu.RequestCounts()
	for _, n := range res.Counts {
		res.Requests += n
	}
	res.Limited = emu.FaultCounts()[emulator.FaultRateLimited]
	r.logf("ratelimit: %d of %d created in %s; %d requests, %d answered 429; %.1f creates/s sustained (limit %g)",
		res.Created, res.N, seconds(res.Wall), res.Requests, res.Limited, res.SustainedRPS(), res.Limit)
	if res.ExitCode != 0 {
		r.logf("ratelimit: the apply failed (exit status %d):\n%s", res.ExitCode, tail(out, 30))
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted: %w", context.Cause(ctx))
	}
	return res, nil
}
