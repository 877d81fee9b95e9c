package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// The pipelines suite: a team's pipelines applying at once against one
// JuriChat office and one Jelou key, as the vendors rate-limit them (per
// credential), with WAN-like latency.
const (
	DefaultPipelines        = 6
	PipelineWebhooks        = 40
	PipelineIntegrations    = 4
	DefaultPipelineLimit    = 20
	DefaultPipelineLatency  = 40 * time.Millisecond
	DefaultPipelineFaults   = "503=0.02"
	pipelineSampleInterval  = 50 * time.Millisecond
	pipelineCommandDeadline = 20 * time.Minute
)

// PipelineRun is one pipeline's apply (or destroy).
type PipelineRun struct {
	Wall     time.Duration
	ExitCode int
	Errors   int    // "Error:" diagnostics in its output
	Tail     string // the end of its output when it failed
}

// PipelinesResult is one run of the pipelines suite: Pipelines applies
// started at once, each in its own working directory with its own state,
// then their destroys at once.
type PipelinesResult struct {
	Pipelines                      int
	Webhooks, Integrations         int // per pipeline
	Limit                          float64
	Latency                        time.Duration
	Faults                         string
	Wall                           time.Duration // from the start of the applies to the end of the last
	Applies, Destroys              []PipelineRun
	HeldWebhooks, HeldIntegrations int            // objects the emulator holds after the applies
	Counts                         map[string]int // vendor requests during the applies, by key
	Limited                        map[string]int // 429 answers of the limit during the applies, by vendor
	Faulted                        int            // faults injected during the applies (Faults)
	// Timeline is the number of webhooks created so far, sampled; Through
	// is, at the same moments, the JuriChat requests the limit let through.
	Timeline []TimelinePoint
	Through  []int
}

// vendorRequests is the requests on the vendor's routes (429s included).
func (r *PipelinesResult) vendorRequests(vendor string) int {
	n := 0
	for key, c := range r.Counts {
		if _, path, _ := strings.Cut(key, " "); strings.HasPrefix(path, "/"+vendor+"/") {
			n += c
		}
	}
	return n
}

// Requests is the vendor requests of all applies, 429s included.
func (r *PipelinesResult) Requests() int {
	return r.vendorRequests("jelou") + r.vendorRequests("jurichat")
}

// LimitedAll is the 429 answers of the limit to all applies.
func (r *PipelinesResult) LimitedAll() int { return r.Limited["jelou"] + r.Limited["jurichat"] }

// LimitedShare is the share of the applies' requests answered 429.
func (r *PipelinesResult) LimitedShare() float64 {
	if r.Requests() == 0 {
		return 0
	}
	return float64(r.LimitedAll()) / float64(r.Requests())
}

// JurichatAccepted is the JuriChat requests the limit let through: the
// credential the pipelines contend for (40 webhooks each against 4
// integrations).
func (r *PipelinesResult) JurichatAccepted() int {
	return r.vendorRequests("jurichat") - r.Limited["jurichat"]
}

// CreatePhase is from the last sample before the first webhook was created
// to the first sample after the last one.
func (r *PipelinesResult) CreatePhase() (from, to time.Duration) {
	rl := RateLimitResult{Timeline: r.Timeline}
	return rl.CreatePhase()
}

// Allowed is what the shared limit let through over the create phase: its
// rate, plus the bucket's burst of one second's worth.
func (r *PipelinesResult) Allowed() float64 {
	from, to := r.CreatePhase()
	return max(1, r.Limit) + r.Limit*(to-from).Seconds()
}

// PhaseThrough is the JuriChat requests the limit let through during the
// create phase: creates and event-catalogue reads alike.
func (r *PipelinesResult) PhaseThrough() int {
	from, to := r.CreatePhase()
	first, last := -1, 0
	for i, p := range r.Timeline {
		if i >= len(r.Through) {
			break
		}
		if p.At == from {
			first = r.Through[i]
		}
		if p.At <= to {
			last = r.Through[i]
		}
	}
	return max(0, last-max(first, 0))
}

// Share is PhaseThrough as a share of Allowed.
func (r *PipelinesResult) Share() float64 {
	if len(r.Timeline) == 0 {
		return 0
	}
	return float64(r.PhaseThrough()) / r.Allowed()
}

// Ideal is the least time the JuriChat requests can take under the shared
// limit: accepted requests ÷ limit, less the first second's burst.
func (r *PipelinesResult) Ideal() time.Duration {
	return time.Duration(float64(max(0, float64(r.JurichatAccepted())-r.Limit)) / r.Limit * float64(time.Second))
}

// Failed counts the runs that did not exit 0.
func Failed(runs []PipelineRun) int {
	n := 0
	for _, p := range runs {
		if p.ExitCode != 0 {
			n++
		}
	}
	return n
}

// SlowestWall is the longest of the runs.
func SlowestWall(runs []PipelineRun) time.Duration {
	var d time.Duration
	for _, p := range runs {
		d = max(d, p.Wall)
	}
	return d
}

// pipelineConfig is pipeline i's configuration: its own webhooks and Jelou
// projects, the same credentials as every other pipeline (from the
// environment).
func pipelineConfig(i, webhooks, integrations int, emu *emulator.Server) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    jelou    = { source = "externalsupport/jelou" }
    jurichat = { source = "externalsupport/jurichat" }
  }
}

provider "jelou" {
  base_url = %[1]q
}

provider "jurichat" {
  base_url = %[2]q
}

resource "jurichat_webhook" "hook" {
  count  = %[3]d
  name   = "pipeline-%[5]d-${count.index}"
  url    = "https://hooks.example.com/pipeline-%[5]d/${count.index}"
  events = ["crm.lead.created"]
}

resource "jelou_external_support" "panel" {
  count       = %[4]d
  project_id  = "pipeline-%[5]d-project-${count.index}"
  webhook_url = "https://hooks.example.com/pipeline-%[5]d/jelou/${count.index}"
}
`, emu.JelouURL(), emu.JurichatURL(), webhooks, integrations, i)
}

func (r *runner) pipelines(ctx context.Context) (*PipelinesResult, error) {
	res := &PipelinesResult{
		Pipelines: r.cfg.Pipelines, Webhooks: PipelineWebhooks, Integrations: PipelineIntegrations,
		Limit: float64(r.cfg.PipelineLimit), Latency: r.cfg.PipelineLatency, Faults: r.cfg.PipelineFaults,
	}
	opts := emulator.DefaultOptions()
	opts.RateLimit, opts.Latency, opts.Faults = res.Limit, res.Latency, res.Faults
	emu, stopEmulator, err := startEmulator(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer stopEmulator()
	dirs := make([]string, res.Pipelines)
	for i := range dirs {
		dirs[i] = filepath.Join(r.tmp, fmt.Sprintf("pipeline-%d", i))
		if err := os.MkdirAll(dirs[i], 0o755); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dirs[i])
		if err := os.WriteFile(filepath.Join(dirs[i], "main.tf"), []byte(pipelineConfig(i, res.Webhooks, res.Integrations, emu)), 0o644); err != nil {
			return nil, err
		}
	}

	t0 := time.Now()
	stop := make(chan struct{})
	var sampling sync.WaitGroup
	sampling.Go(func() {
		t := time.NewTicker(pipelineSampleInterval)
		defer t.Stop()
		for {
			res.Timeline = append(res.Timeline, TimelinePoint{At: time.Since(t0), Accepted: len(emu.JurichatWebhooks())})
			res.Through = append(res.Through, jurichatThrough(emu))
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	res.Applies, err = r.allAtOnce(ctx, dirs, OpCreate.args())
	res.Wall = time.Since(t0)
	close(stop)
	sampling.Wait()
	if err != nil {
		return nil, err
	}
	res.Timeline = append(res.Timeline, TimelinePoint{At: res.Wall, Accepted: len(emu.JurichatWebhooks())})
	res.Through = append(res.Through, jurichatThrough(emu))
	res.HeldWebhooks, res.HeldIntegrations = len(emu.JurichatWebhooks()), len(emu.JelouIntegrations())
	res.Counts, res.Limited = emu.RequestCounts(), emu.RateLimitedCounts()
	for kind, n := range emu.FaultCounts() {
		if kind != emulator.FaultRateLimited {
			res.Faulted += n
		}
	}
	r.logf("pipelines: %d applies at once in %s (%d failed); %d webhooks, %d integrations; %d requests, %d answered 429 (%.1f%%); %.0f%% of the shared limit",
		res.Pipelines, seconds(res.Wall), Failed(res.Applies), res.HeldWebhooks, res.HeldIntegrations, res.Requests(), res.LimitedAll(),
		100*res.LimitedShare(), 100*res.Share())
	for i, p := range res.Applies {
		if p.ExitCode != 0 {
			r.logf("pipelines: apply of pipeline %d failed (exit status %d):\n%s", i, p.ExitCode, p.Tail)
		}
	}

	res.Destroys, err = r.allAtOnce(ctx, dirs, OpDestroy.args())
	if err != nil {
		return nil, err
	}
	if n := Failed(res.Destroys); n > 0 {
		r.logf("pipelines: %d of %d destroys failed", n, len(res.Destroys))
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted: %w", context.Cause(ctx))
	}
	return res, nil
}

// jurichatThrough is the JuriChat requests the emulator's limit has let through.
func jurichatThrough(emu *emulator.Server) int {
	n := 0
	for key, c := range emu.RequestCounts() {
		if _, path, _ := strings.Cut(key, " "); strings.HasPrefix(path, "/jurichat/") {
			n += c
		}
	}
	return n - emu.RateLimitedCounts()["jurichat"]
}

// allAtOnce runs the same command in every directory at once.
func (r *runner) allAtOnce(ctx context.Context, dirs []string, args []string) ([]PipelineRun, error) {
	runs := make([]PipelineRun, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	for i, dir := range dirs {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, pipelineCommandDeadline)
			defer cancel()
			s, out, err := r.terraform(cctx, dir, args)
			runs[i] = PipelineRun{Wall: s.Wall, Errors: len(errorDiag.FindAllStringIndex(out, -1))}
			var ee *tfrun.ExitError
			switch {
			case errors.As(err, &ee):
				runs[i].ExitCode, runs[i].Tail = ee.Code, tail(out, 30)
			case err != nil:
				errs[i] = fmt.Errorf("pipeline %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	return runs, errors.Join(errs...)
}
