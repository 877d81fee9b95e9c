package reliability

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// The pipelines test: several pipelines (CLIs, each with its own working
// directory and local state) apply at once with the same credentials, as CI
// jobs of one team do, against one emulator with the fault mix and a rate
// limit they share.
const (
	pipelines            = 4
	pipelineIntegrations = 6  // jelou_external_support per pipeline
	pipelineWebhooks     = 12 // jurichat_webhook per pipeline
	// pipelineRateLimit is the emulator's limit per credential, in requests
	// per second. Every pipeline uses the same credential, and together they
	// send well beyond it (4 CLIs × 10 operations at once), so they contend
	// for it and each provider must learn to pace itself.
	pipelineRateLimit = 20
)

// The seeds of the pipelines test. With concurrent clients the seed fixes the
// sequence of fault draws, not which request meets which: the order requests
// arrive in varies from run to run.
var pipelineSeeds = []int64{1, 2}

// pipeline is one working directory of the pipelines test.
type pipeline struct {
	name  string // prefix of its objects' project ids and names, e.g. "pipe0"
	label string // heads its messages: seed and name
	run   func(args ...string) (int, string, error)
}

// pipelineFigures is what one seed's run of the pipelines test reports.
type pipelineFigures struct {
	seed              int64
	applies, destroys [pipelines]int
	faults            map[string]int
	requests          int
	elapsed           time.Duration
}

// TestFaults_concurrentPipelinesConverge starts 4 pipelines at once, each
// applying 6 jelou_external_support and 12 jurichat_webhook of its own, under
// 500, 503, 429, resets and commit-resets and a rate limit they share: every
// apply must converge (run again after a failure, at most maxRuns), each
// pipeline's state hold its objects, each once on the server with the
// server's secret, the server nothing beyond the union of the states; then
// every plan is empty and the concurrent destroys leave the server empty.
func TestFaults_concurrentPipelinesConverge(t *testing.T) {
	acctest.PreCheck(t)
	cli := acctest.FindCLI().Path
	cliCfg := acctest.BuildProviders(t, t.TempDir(), "pipelines fault test")

	var all []pipelineFigures
	for _, seed := range pipelineSeeds {
		t.Run(fmt.Sprintf("seed_%d", seed), func(t *testing.T) {
			all = append(all, runPipelines(t, cli, cliCfg, seed))
		})
	}
	for _, f := range all {
		t.Logf("seed %d: %d pipelines of %d resources in %v; applies needed %v, destroys needed %v; faults injected %s; "+
			"vendor requests %d", f.seed, pipelines, pipelineIntegrations+pipelineWebhooks, f.elapsed.Round(time.Second),
			f.applies, f.destroys, formatCounts(f.faults), f.requests)
	}
}

func runPipelines(t *testing.T, cli, cliCfg string, seed int64) pipelineFigures {
	start := time.Now()
	ctx := t.Context()
	opts := emulator.DefaultOptions()
	opts.Faults = faultMix
	opts.Seed = seed
	opts.RateLimit = pipelineRateLimit
	emu, err := emulator.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	defer func() { _ = emu.Close() }()

	ps := make([]pipeline, pipelines)
	for i := range ps {
		dir := t.TempDir()
		name := fmt.Sprintf("pipe%d", i)
		writeConfig(t, dir, pipelineIntegrations, pipelineWebhooks, name)
		// One credential for all: the pipelines share its rate limit.
		env := tfrun.Env(cliCfg,
			"JELOU_API_KEY="+opts.JelouAPIKey, "JURICHAT_TOKEN="+opts.JurichatToken,
			"TF_VAR_jelou_base_url="+emu.JelouURL(), "TF_VAR_jurichat_base_url="+emu.JurichatURL(),
			"TF_VAR_receiver=https://receiver.example.com/"+name,
		)
		ps[i] = pipeline{name: name, label: fmt.Sprintf("seed %d, %s", seed, name), run: cliRunner(ctx, cli, dir, env)}
	}
	f := pipelineFigures{seed: seed}

	// Apply until it succeeds, all pipelines at once.
	inParallel(t, ps, func(i int, p pipeline) error {
		var err error
		f.applies[i], err = untilSuccess(t, p.label, "apply", p.run, "apply", "-auto-approve", "-input=false")
		return err
	})
	checkPipelinesConverged(t, emu, ps)
	if t.Failed() {
		t.FailNow()
	}

	// Every plan finds nothing to change, the faults and the contention going on.
	inParallel(t, ps, func(_ int, p pipeline) error { return planEmpty(t, p.label, p.run) })

	inParallel(t, ps, func(i int, p pipeline) error {
		var err error
		f.destroys[i], err = untilSuccess(t, p.label, "destroy", p.run, "destroy", "-auto-approve", "-input=false")
		return err
	})
	if n, m := len(emu.JelouIntegrations()), len(emu.JurichatWebhooks()); n != 0 || m != 0 {
		t.Errorf("seed %d: after destroy the server still holds %d integrations and %d webhooks", seed, n, m)
	}

	f.faults = emu.FaultCounts()
	f.requests = totalRequests(emu)
	f.elapsed = time.Since(start)
	// The test is about contention: pipelines that never met the shared
	// limit did not contend, whatever else passed.
	if f.faults[emulator.FaultRateLimited] == 0 {
		t.Errorf("seed %d: no request met the rate limit of %d per second: the pipelines did not contend", seed, pipelineRateLimit)
	}
	return f
}

// inParallel runs fn for every pipeline, each on its own goroutine, released
// together so that the CLIs start at the same time, and waits for all; the
// errors fail the test, once all have ended (fn may only log on t: FailNow
// belongs to the test's goroutine).
func inParallel(t *testing.T, ps []pipeline, fn func(i int, p pipeline) error) {
	t.Helper()
	errs := make([]error, len(ps))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() {
			<-start
			errs[i] = fn(i, p)
		})
	}
	close(start)
	wg.Wait()
	failed := false
	for _, err := range errs {
		if err != nil {
			t.Error(err)
			failed = true
		}
	}
	if failed {
		t.FailNow()
	}
}

// checkPipelinesConverged compares each pipeline's state with the server: it
// holds exactly the pipeline's configured objects, each of which exists once
// on the server with the state's secret; and the server holds nothing that
// no state has (no orphan of any pipeline).
func checkPipelinesConverged(t *testing.T, emu *emulator.Server, ps []pipeline) {
	t.Helper()
	server := readServer(t, emu)
	names := map[string]bool{}
	for _, w := range server.webhooks {
		names[w.Name] = true
	}
	for _, p := range ps {
		state := readState(t, mustRun(t, p.run))
		jelouN, juriN := server.checkState(t, p.label, state, p.name+"-")
		if jelouN != pipelineIntegrations || juriN != pipelineWebhooks {
			t.Errorf("%s: state holds %d integrations and %d webhooks, want %d and %d",
				p.label, jelouN, juriN, pipelineIntegrations, pipelineWebhooks)
		}
		var missing []string
		for i := range pipelineIntegrations {
			if project := fmt.Sprintf("%s-project-%d", p.name, i); server.integrations[project].BrainID == "" {
				missing = append(missing, "integration of "+project)
			}
		}
		for i := range pipelineWebhooks {
			if name := fmt.Sprintf("%s-webhook-%d", p.name, i); !names[name] {
				missing = append(missing, "webhook "+name)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s: configured but not on the server: %s", p.label, strings.Join(missing, ", "))
		}
	}
	server.checkNoOrphan(t)
}
