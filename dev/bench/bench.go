// Package bench is `make bench`: it measures what the jelou and jurichat
// providers add to Terraform's own cost. For each N it applies N resources,
// plans, plans -refresh-only, updates all N in place and destroys them, with
// a real Terraform CLI against the emulator on loopback, and does the same
// with Terraform's built-in terraform_data as the floor. It records wall
// time, the API requests each resource costs per operation (from the
// emulator's counts), the provider processes' peak memory and CPU, the
// providers' start-up, and an apply against a rate-limited emulator; then
// renders the results as Markdown (docs-dev/BENCHMARK.md).
package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// Suites are the parts of a bench run: the four kinds of case (Kinds), the
// providers' start-up, and the rate-limited apply.
var Suites = []string{"floor", "noop", "jelou", "jurichat", "startup", "ratelimit", "pipelines"}

// Config configures Run. Zero fields take the defaults.
type Config struct {
	Root      string   // repository root; "": found from the working directory
	Terraform string   // path of the Terraform-compatible CLI; required
	Ns        []int    // resource counts; default 10, 100, 500
	Runs      int      // repetitions of every case (the median is reported); default 3
	Suites    []string // subset of Suites; default all
	RateLimit int      // requests per second the emulator allows in the ratelimit suite; default 50
	RateN     int      // webhooks the ratelimit suite creates; default 500
	// The pipelines suite: how many applies at once (default
	// DefaultPipelines), the requests per second per credential the
	// emulator allows them (DefaultPipelineLimit), its latency
	// (DefaultPipelineLatency) and other faults (DefaultPipelineFaults;
	// "none": none).
	Pipelines       int
	PipelineLimit   int
	PipelineLatency time.Duration
	PipelineFaults  string
	StartupRuns     int       // provider launches per provider in the startup suite; default 10
	Env             []string  // extra NAME=value for the CLI (and so the providers), e.g. TF_LOG_SDK=off
	Log             io.Writer // progress lines; nil: discarded
}

func (c Config) withDefaults() Config {
	if len(c.Ns) == 0 {
		c.Ns = []int{10, 100, 500}
	}
	if c.Runs <= 0 {
		c.Runs = 3
	}
	if len(c.Suites) == 0 {
		c.Suites = Suites
	}
	if c.RateLimit <= 0 {
		c.RateLimit = 50
	}
	if c.RateN <= 0 {
		c.RateN = 500
	}
	if c.Pipelines <= 0 {
		c.Pipelines = DefaultPipelines
	}
	if c.PipelineLimit <= 0 {
		c.PipelineLimit = DefaultPipelineLimit
	}
	if c.PipelineLatency <= 0 {
		c.PipelineLatency = DefaultPipelineLatency
	}
	switch c.PipelineFaults {
	case "":
		c.PipelineFaults = DefaultPipelineFaults
	case "none":
		c.PipelineFaults = ""
	}
	if c.StartupRuns <= 0 {
		c.StartupRuns = 10
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c
}

func (c Config) has(suite string) bool { return slices.Contains(c.Suites, suite) }

// Validate reports a configuration Run cannot use.
func (c Config) Validate() error {
	if c.Terraform == "" {
		return errors.New("no Terraform CLI given")
	}
	for _, s := range c.Suites {
		if !slices.Contains(Suites, s) {
			return fmt.Errorf("unknown suite %q (valid: %s)", s, strings.Join(Suites, ", "))
		}
	}
	for _, n := range c.Ns {
		if n <= 0 {
			return fmt.Errorf("resource count %d: want a positive number", n)
		}
	}
	if f := c.PipelineFaults; f != "" && f != "none" {
		if _, err := emulator.ParseFaults(f); err != nil {
			return fmt.Errorf("pipeline faults: %w", err)
		}
	}
	for _, kv := range c.Env {
		if name, _, ok := strings.Cut(kv, "="); !ok || name == "" {
			return fmt.Errorf("environment %q: want NAME=value", kv)
		}
	}
	return nil
}

// Sample is one Terraform command.
type Sample struct {
	Wall        time.Duration
	Counts      map[string]int // emulator request counts during the command, by "<METHOD> <pattern>"
	Usage       ProcUsage      // the CLI's and its providers' memory and CPU, from /proc
	TotalCPU    time.Duration  // CPU of the CLI and the provider processes it waited for
	EmulatorCPU time.Duration  // CPU of this process (the emulator, and the bench's polling)
}

// CoreCPU is Terraform core's own CPU: the CLI's total minus its providers'.
func (s Sample) CoreCPU() time.Duration { return max(0, s.TotalCPU-s.Usage.ProviderCPU) }

// Case is every run of one kind at one N.
type Case struct {
	Kind    Kind
	N       int
	Samples [][]Sample // by Op, then run
}

// Report is a whole bench run.
type Report struct {
	Config        Config
	Machine       Machine
	Cases         []*Case
	Startup       *StartupResult
	RateLimit     *RateLimitResult // the run of RateLimitRuns with the median share of the allowed rate
	RateLimitRuns []*RateLimitResult
	Pipelines     *PipelinesResult // the run of PipelinesRuns with the median share of the limit
	PipelinesRuns []*PipelinesResult
	Duration      time.Duration
}

// Case returns the case of kind at n, or nil.
func (r *Report) Case(kind string, n int) *Case {
	for _, c := range r.Cases {
		if c.Kind.Name == kind && c.N == n {
			return c
		}
	}
	return nil
}

// runner is one Run.
type runner struct {
	cfg                    Config
	root, tmp, rc, cliName string
	build                  tfrun.Build
}

// Run runs the bench and returns its report. It removes everything it
// created (the build, the working directories, the emulators) before it returns.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	load := startForeignLoad()
	r := &runner{cfg: cfg, root: cfg.Root, cliName: tfrun.DisplayName(cfg.Terraform)}
	if r.root == "" {
		var err error
		if r.root, err = tfrun.FindRoot(); err != nil {
			return nil, err
		}
	}
	tmp, err := os.MkdirTemp("", "externalsupport-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	r.tmp = tmp
	r.rc = filepath.Join(tmp, "terraformrc")
	r.build = tfrun.Build{Root: r.root, OutDir: filepath.Join(tmp, "build"), ProvidersDir: filepath.Join(tmp, "providers"),
		Extra: []string{"./dev/bench/noopprovider"}}

	report := &Report{Config: cfg}
	report.Machine = readMachine()
	report.Machine.Source = gitSource(ctx, r.root)
	r.logf("machine: %s", report.Machine.Summary())
	if report.Machine.Source != "" {
		r.logf("source: %s", report.Machine.Source)
	}
	cliID, err := tfrun.Version(ctx, cfg.Terraform, tmp, tfrun.Env(os.DevNull))
	if err != nil {
		return nil, fmt.Errorf("the CLI %s does not run: %w", cfg.Terraform, err)
	}
	report.Machine.CLI = cliID
	r.logf("CLI: %s (%s)", cfg.Terraform, cliID)

	r.logf("building the providers: go %s", strings.Join(r.build.Args(), " "))
	var buildOut bytes.Buffer
	if err := r.build.Run(ctx, &buildOut); err != nil {
		return nil, fmt.Errorf("%w\n%s", err, buildOut.String())
	}
	if err := os.Rename(filepath.Join(r.build.OutDir, tfrun.Executable("noopprovider")), r.build.ProviderPath("noop")); err != nil {
		return nil, err
	}
	if _, err := tfrun.WriteCLIConfig(r.rc, r.build.ProvidersDir, "Written by the bench, used by its commands only (TF_CLI_CONFIG_FILE).", "noop"); err != nil {
		return nil, err
	}

	if cfg.has("startup") {
		r.logf("startup: %d launches per provider", cfg.StartupRuns)
		if report.Startup, err = r.startup(ctx); err != nil {
			return nil, fmt.Errorf("startup: %w", err)
		}
	}

	var kinds []Kind
	for _, k := range Kinds {
		if cfg.has(k.Name) {
			kinds = append(kinds, k)
		}
	}
	for _, n := range cfg.Ns {
		for _, k := range kinds {
			report.Cases = append(report.Cases, &Case{Kind: k, N: n, Samples: make([][]Sample, len(Ops))})
		}
	}
	// Runs are interleaved (run 1 of every case, then run 2…) so that a
	// change of load on the machine affects every kind alike.
	for run := 1; run <= cfg.Runs; run++ {
		for _, c := range report.Cases {
			samples, err := r.runCase(ctx, c.Kind, c.N, run)
			if err != nil {
				return nil, fmt.Errorf("run %d, %d × %s: %w", run, c.N, c.Kind.Resource, err)
			}
			for op, s := range samples {
				c.Samples[op] = append(c.Samples[op], s)
			}
		}
	}

	if cfg.has("ratelimit") {
		for run := 1; run <= cfg.Runs; run++ {
			r.logf("ratelimit: run %d/%d: apply %d × jurichat_webhook, emulator limited to %d requests/s", run, cfg.Runs, cfg.RateN, cfg.RateLimit)
			rl, err := r.rateLimit(ctx)
			if err != nil {
				return nil, fmt.Errorf("ratelimit: %w", err)
			}
			report.RateLimitRuns = append(report.RateLimitRuns, rl)
		}
		report.RateLimit = medianRun(report.RateLimitRuns)
	}
	if cfg.has("pipelines") {
		for run := 1; run <= cfg.Runs; run++ {
			r.logf("pipelines: run %d/%d: %d applies at once, emulator limited to %d requests/s per credential, %s latency",
				run, cfg.Runs, cfg.Pipelines, cfg.PipelineLimit, cfg.PipelineLatency)
			p, err := r.pipelines(ctx)
			if err != nil {
				return nil, fmt.Errorf("pipelines: %w", err)
			}
			report.PipelinesRuns = append(report.PipelinesRuns, p)
		}
		report.Pipelines = medianRun(report.PipelinesRuns)
	}
	report.Machine.LoadEnd = loadAverage()
	report.Machine.OtherCPU = load.share(report.Machine.Cores)
	report.Duration = time.Since(start)
	return report, nil
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.cfg.Log, "bench: "+format+"\n", args...)
}

// env is the environment of the bench's Terraform commands: the emulator's
// default credentials for both providers.
func (r *runner) env() []string {
	return tfrun.Env(r.rc, append([]string{
		"JELOU_API_KEY=" + emulator.DefaultJelouAPIKey,
		"JURICHAT_TOKEN=" + emulator.DefaultJurichatToken,
	}, r.cfg.Env...)...)
}

// startEmulator starts an emulator on 127.0.0.1 for one case; the func closes it.
func startEmulator(ctx context.Context, opts emulator.Options) (*emulator.Server, func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	emu, err := emulator.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return emu, func() { _ = emu.Close(); cancel() }, nil
}

// runCase runs every operation of one case against a fresh emulator, in a
// fresh working directory, and checks that each did what it should.
func (r *runner) runCase(ctx context.Context, kind Kind, n, run int) ([]Sample, error) {
	emu, stopEmulator, err := startEmulator(ctx, emulator.DefaultOptions())
	if err != nil {
		return nil, err
	}
	defer stopEmulator()
	dir := filepath.Join(r.tmp, fmt.Sprintf("%s-%d-run%d", kind.Name, n, run))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	samples := make([]Sample, 0, len(Ops))
	var line strings.Builder
	fmt.Fprintf(&line, "run %d/%d  N=%-4d %-24s", run, r.cfg.Runs, n, kind.Resource)
	for _, op := range Ops {
		if op == OpCreate || op == OpUpdate {
			version := 1
			if op == OpUpdate {
				version = 2
			}
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(kind.config(n, version, emu)), 0o644); err != nil {
				return nil, err
			}
		}
		emu.ResetRequests()
		s, out, err := r.terraform(ctx, dir, op.args())
		s.Counts = emu.RequestCounts()
		var ee *tfrun.ExitError
		if errors.As(err, &ee) && ee.Code == 2 && op == OpPlan {
			err = errors.New("the plan wants changes (exit status 2 with -detailed-exitcode)")
		}
		if err == nil {
			err = checkOp(op, n, out)
		}
		if err == nil && kind.API() {
			err = checkObjects(op, n, emu)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w\n%s", op, err, tail(out, 40))
		}
		samples = append(samples, s)
		fmt.Fprintf(&line, "  %s %s", op.short(), seconds(s.Wall))
	}
	r.logf("%s", line.String())
	return samples, nil
}

// terraform runs one CLI command in dir, sampling its processes, and returns
// the measurements and its output (stdout and stderr).
func (r *runner) terraform(ctx context.Context, dir string, args []string) (Sample, string, error) {
	var out bytes.Buffer
	var sampler *Sampler
	cpu0 := selfCPU()
	t0 := time.Now()
	state, err := tfrun.Command{
		Name: r.cliName + " " + args[0], Path: r.cfg.Terraform, Args: args, Dir: dir, Env: r.env(),
		Stdout: &out, Stderr: &out,
		Started: func(p *os.Process) { sampler = StartSampler(p.Pid, 20*time.Millisecond) },
	}.Run(ctx)
	s := Sample{Wall: time.Since(t0), EmulatorCPU: selfCPU() - cpu0}
	if sampler != nil {
		s.Usage = sampler.Stop()
	}
	if state != nil {
		s.TotalCPU = state.UserTime() + state.SystemTime()
	}
	return s, out.String(), err
}

// checkOp checks a command's outcome: plans must find no changes, applies
// must change exactly n resources.
func checkOp(op Op, n int, out string) error {
	if want := op.summary(n); want != "" && !strings.Contains(out, want) {
		return fmt.Errorf("the output lacks %q", want)
	}
	return nil
}

// checkObjects checks the emulator holds n objects after create and none after destroy.
func checkObjects(op Op, n int, emu *emulator.Server) error {
	held := len(emu.JelouIntegrations()) + len(emu.JurichatWebhooks())
	switch {
	case op == OpCreate && held != n:
		return fmt.Errorf("after apply the emulator holds %d objects, want %d", held, n)
	case op == OpDestroy && held != 0:
		return fmt.Errorf("after destroy the emulator still holds %d objects", held)
	}
	return nil
}

// Requests is a case's API requests for one operation, from the emulator's counts.
type Requests struct {
	// PerResource is, by HTTP method, the requests on the resource's own
	// routes divided by N (the mean over runs).
	PerResource map[string]float64
	// Other is, by request key, the requests on any other route per command
	// (the mean over runs), e.g. the JuriChat event catalogue.
	Other map[string]float64
	// Exact reports whether every run made exactly Op.Expected() requests
	// per resource on the resource's routes.
	Exact bool
}

// Requests accounts the requests of one operation of the case.
func (c *Case) Requests(op Op) Requests {
	req := Requests{PerResource: map[string]float64{}, Other: map[string]float64{}, Exact: len(c.Samples[op]) > 0}
	runs := float64(len(c.Samples[op]))
	for _, s := range c.Samples[op] {
		perMethod := map[string]int{}
		for key, count := range s.Counts {
			if m := c.Kind.method(key); m != "" {
				perMethod[m] += count
				req.PerResource[m] += float64(count) / float64(c.N) / runs
			} else {
				req.Other[key] += float64(count) / runs
			}
		}
		for m, want := range op.Expected() {
			if perMethod[m] != want*c.N {
				req.Exact = false
			}
		}
		for m, got := range perMethod {
			if op.Expected()[m] == 0 && got > 0 {
				req.Exact = false
			}
		}
	}
	return req
}

// tail returns the last n lines of text, indented.
func tail(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return "    " + strings.Join(lines, "\n    ")
}

// seconds formats a duration as seconds with two decimals ("1.23 s").
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s" }
