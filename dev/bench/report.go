package bench

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Target is one of the targets and how this run fared.
type Target struct {
	Name    string
	Status  string // "met", "missed", "reported" or "not measured"
	Figures string
}

// TimeTargetRatio is the largest ratio to the floor the target allows.
const TimeTargetRatio = 1.3

// timedOps are the operations the time target covers: apply and plan.
var timedOps = []Op{OpCreate, OpPlan, OpRefresh, OpUpdate}

// Ratio is the median wall time of kind's op at n over the floor's, 0 when
// either was not measured.
func (r *Report) Ratio(kind string, n int, op Op) float64 {
	c, f := r.Case(kind, n), r.Case("floor", n)
	if c == nil || f == nil || len(c.Samples[op]) == 0 || len(f.Samples[op]) == 0 {
		return 0
	}
	if fw := f.wall(op).Median; fw > 0 {
		return float64(c.wall(op).Median) / float64(fw)
	}
	return 0
}

func (c *Case) wall(op Op) Stat[time.Duration] {
	return summariseBy(c.Samples[op], func(s Sample) time.Duration { return s.Wall })
}

func summariseBy[T int64 | time.Duration | float64](samples []Sample, f func(Sample) T) Stat[T] {
	values := make([]T, len(samples))
	for i, s := range samples {
		values[i] = f(s)
	}
	return Summarise(values)
}

// providerCases are the cases of the providers' resources.
func (r *Report) providerCases() []*Case {
	var out []*Case
	for _, c := range r.Cases {
		if c.Kind.API() {
			out = append(out, c)
		}
	}
	return out
}

func (r *Report) ns() []int {
	var ns []int
	for _, c := range r.Cases {
		if !slices.Contains(ns, c.N) {
			ns = append(ns, c.N)
		}
	}
	return ns
}

func (r *Report) kinds() []Kind {
	var ks []Kind
	for _, k := range Kinds {
		for _, c := range r.Cases {
			if c.Kind.Name == k.Name {
				ks = append(ks, k)
				break
			}
		}
	}
	return ks
}

// Targets evaluates the targets.
func (r *Report) Targets() []Target {
	return []Target{r.requestTarget(), r.timeTarget(), r.rateTarget(), r.pipelinesTarget(), r.startupTarget()}
}

func (r *Report) requestTarget() Target {
	t := Target{Name: "Exactly one API request per resource for create, refresh, update and delete; nothing fetched twice"}
	cases := r.providerCases()
	if len(cases) == 0 {
		t.Status = "not measured"
		return t
	}
	t.Status = "met"
	var misses, extras []string
	for _, c := range cases {
		for _, op := range Ops {
			req := c.Requests(op)
			if !req.Exact {
				t.Status = "missed"
				misses = append(misses, fmt.Sprintf("%s %s at N=%d: %s per resource, want %s",
					c.Kind.Resource, op, c.N, formatPerMethod(req.PerResource), formatExpected(op.Expected())))
			}
			for _, key := range slices.Sorted(maps.Keys(req.Other)) {
				extras = append(extras, fmt.Sprintf("%s %s: %s × `%s`", c.Kind.Resource, op, trimFloat(req.Other[key]), key))
			}
		}
	}
	if len(misses) > 0 {
		t.Figures = strings.Join(misses, "; ") + "."
	} else {
		t.Figures = "Every operation of every case, at every N and in every run: create 1 POST, refresh 1 GET, " +
			"update 1 PATCH, delete 1 DELETE per resource (apply and destroy refresh first: 1 GET)."
	}
	if len(extras) > 0 {
		t.Figures += " Per command, not per resource: " + strings.Join(dedupe(extras), "; ") + "."
	}
	return t
}

func (r *Report) timeTarget() Target {
	ns := r.ns()
	t := Target{Name: fmt.Sprintf("Apply and plan at N = 500 within %.1f× the floor, at Terraform's default parallelism", TimeTargetRatio)}
	if len(ns) == 0 || r.Case("floor", slices.Max(ns)) == nil || len(r.providerCases()) == 0 {
		t.Status = "not measured"
		return t
	}
	n := slices.Max(ns)
	t.Status = "met"
	var parts []string
	for _, k := range r.kinds() {
		if !k.API() {
			continue
		}
		var ratios []string
		for _, op := range timedOps {
			ratio := r.Ratio(k.Name, n, op)
			mark := ""
			if ratio > TimeTargetRatio {
				t.Status = "missed"
				mark = " **(over)**"
			}
			plugin := ""
			if pr := r.Ratio("noop", n, op); pr > 0 {
				plugin = fmt.Sprintf(" (%.2f× the plugin floor)", ratio/pr)
			}
			ratios = append(ratios, fmt.Sprintf("%s %.2f×%s%s", op, ratio, mark, plugin))
		}
		parts = append(parts, k.Resource+": "+strings.Join(ratios, ", "))
	}
	t.Figures = fmt.Sprintf("At N=%d: %s.", n, strings.Join(parts, "; "))
	if n != 500 {
		t.Figures += fmt.Sprintf(" (N=500 was not run; the largest N was %d.)", n)
	}
	return t
}

// The targets under a rate limit (issue 20): one apply uses at least
// RateTargetShare of the allowed rate with at most RateTargetLimited of its
// requests answered 429; PipelinesTargetMin pipelines at once all succeed,
// use at least PipelinesTargetShare of the shared limit, with at most
// PipelinesTargetLimited of their requests answered 429.
const (
	RateTargetShare        = 0.95
	RateTargetLimited      = 0.05
	PipelinesTargetMin     = 6
	PipelinesTargetShare   = 0.85
	PipelinesTargetLimited = 0.15
)

func (r *Report) rateTarget() Target {
	t := Target{Name: fmt.Sprintf("One apply under a rate limit: at least %.0f%% of the allowed rate, at most %.0f%% of requests answered 429, no failed resource",
		RateTargetShare*100, RateTargetLimited*100)}
	rl := r.RateLimit
	if rl == nil {
		t.Status = "not measured"
		return t
	}
	t.Status = "met"
	failed := 0
	for _, run := range r.rateRuns() {
		failed += run.Failed()
		if run.ExitCode != 0 {
			t.Status = "missed"
		}
	}
	if rl.Share() < RateTargetShare || rl.LimitedShare() > RateTargetLimited || failed > 0 {
		t.Status = "missed"
	}
	runs := r.rateRuns()
	t.Figures = fmt.Sprintf("Median of %d runs: %.0f%% of what the limit allowed while creating (%d accepted of %.0f: %g/s plus a one-second burst), %.1f creates/s; "+
		"%d of %d requests answered 429 (%.1f%%); %d create retries. Failed webhooks over all runs: %d of %d.",
		len(runs), 100*rl.Share(), rl.Accepted(), rl.Allowed(), rl.Limit, rl.SustainedRPS(), rl.Limited, rl.Requests,
		100*rl.LimitedShare(), rl.Retries(), failed, rl.N*len(runs))
	return t
}

func (r *Report) pipelinesTarget() Target {
	t := Target{Name: fmt.Sprintf("At least %d pipelines applying at once under one shared limit with WAN-like latency: all succeed on the first try, "+
		"at least %.0f%% of the shared limit used, at most %.0f%% of requests answered 429",
		PipelinesTargetMin, PipelinesTargetShare*100, PipelinesTargetLimited*100)}
	p := r.Pipelines
	if p == nil {
		t.Status = "not measured"
		return t
	}
	t.Status = "met"
	failed, runs := 0, r.pipelineRuns()
	for _, run := range runs {
		failed += Failed(run.Applies)
	}
	if p.Pipelines < PipelinesTargetMin || failed > 0 || p.Share() < PipelinesTargetShare || p.LimitedShare() > PipelinesTargetLimited {
		t.Status = "missed"
	}
	t.Figures = fmt.Sprintf("Median of %d runs of %d pipelines (%d webhooks and %d integrations each, %g requests/s per credential, %s latency, faults %s): "+
		"%.0f%% of the shared JuriChat limit used while creating; %d of %d requests answered 429 (%.1f%%); slowest apply %s against an ideal of %s. "+
		"Failed applies over all runs: %d of %d.",
		len(runs), p.Pipelines, p.Webhooks, p.Integrations, p.Limit, p.Latency, p.Faults,
		100*p.Share(), p.LimitedAll(), p.Requests(), 100*p.LimitedShare(), seconds(SlowestWall(p.Applies)), seconds(p.Ideal()),
		failed, p.Pipelines*len(runs))
	return t
}

// pipelineRuns are the pipelines suite's runs.
func (r *Report) pipelineRuns() []*PipelinesResult {
	if len(r.PipelinesRuns) > 0 {
		return r.PipelinesRuns
	}
	if r.Pipelines != nil {
		return []*PipelinesResult{r.Pipelines}
	}
	return nil
}

// rateRuns are the ratelimit suite's runs (RateLimit alone in reports built by hand).
func (r *Report) rateRuns() []*RateLimitResult {
	if len(r.RateLimitRuns) > 0 {
		return r.RateLimitRuns
	}
	if r.RateLimit != nil {
		return []*RateLimitResult{r.RateLimit}
	}
	return nil
}

func (r *Report) startupTarget() Target {
	t := Target{Name: "Provider start-up (process start until it serves) and memory reported; nothing loaded at start that only some operations need"}
	s := r.Startup
	if s == nil {
		t.Status = "not measured"
		return t
	}
	t.Status = "reported"
	var parts []string
	for _, p := range s.Providers {
		parts = append(parts, fmt.Sprintf("%s serves after %s (%s of it go-plugin's mTLS set-up) with %s resident",
			p.Name, millis(p.Handshake.Median), millis(p.Handshake.Median-p.WithoutTLS.Median), mib(p.RSS.Median)))
	}
	t.Figures = strings.Join(parts, "; ") + fmt.Sprintf(". Package initialisation before main: %d packages, %s, %s allocated; this repository's own %d: %s, %s.",
		s.Init.Packages, millis(s.Init.Clock), mib(s.Init.Bytes), s.Init.OwnPackages, millis(s.Init.OwnClock), kib(s.Init.OwnBytes))
	return t
}

// Markdown renders the report.
func (r *Report) Markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	m := r.Machine
	w("# Benchmark: what the providers add to Terraform\n\n")
	w("Generated by `make bench` (`go run ./dev/cmd/bench`) on %s, in %s. Do not edit by hand: run it again.\n\n",
		m.Date.UTC().Format("2006-01-02 15:04 MST"), r.Duration.Round(time.Second))
	w("Every case runs a real CLI against the project's API emulator on 127.0.0.1, in a fresh working directory with a fresh emulator: "+
		"`apply` creating N resources, `plan` (no changes), `plan -refresh-only`, `apply` changing one argument of all N in place, `destroy`. "+
		"`terraform_data`, which Terraform serves itself (no provider process, no API), is the floor: Terraform core's own cost. "+
		"`noop_resource` (dev/bench/noopprovider) is a second, plugin floor: a terraform-plugin-framework provider with a resource shaped like a webhook that calls no API, "+
		"so what it costs over the floor is what any framework provider costs, and what jelou and jurichat cost over it is theirs. "+
		"Wall times are medians of %d runs (min–max in brackets); runs are interleaved across cases, so a change of load on the machine affects all alike.\n\n",
		r.Config.Runs)

	w("## Machine\n\n| | |\n|---|---|\n")
	w("| CPU | %s, %d logical cores |\n", m.CPU, m.Cores)
	w("| memory | %s |\n", gib(m.MemoryBytes))
	w("| OS | %s, %s, kernel %s |\n", m.OS, m.Arch, m.Kernel)
	w("| Go | %s |\n", m.Go)
	w("| CLI | %s, default parallelism (10) |\n", m.CLI)
	if m.Source != "" {
		w("| providers built from | %s |\n", m.Source)
	}
	w("| load average (1, 5, 15 min) | %s at the start, %s at the end (the bench's own threads count) |\n", m.LoadStart, m.LoadEnd)
	if m.OtherCPU >= 0 {
		w("| CPU used by other processes during the run | %.1f%% of the machine's capacity |\n", 100*m.OtherCPU)
	}
	if len(r.Config.Env) > 0 {
		w("| extra environment of the CLI and providers | `%s` |\n", strings.Join(r.Config.Env, "` `"))
	}
	w("\n")

	w("## Targets\n\n| target | result | figures |\n|---|---|---|\n")
	for _, t := range r.Targets() {
		w("| %s | **%s** | %s |\n", t.Name, t.Status, t.Figures)
	}
	w("\n")

	if len(r.Cases) > 0 {
		r.wallTable(w)
		r.requestTable(w)
		r.processTable(w)
		r.cpuTable(w)
	}
	if r.Startup != nil {
		r.startupSection(w)
	}
	if r.RateLimit != nil {
		r.rateSection(w)
	}
	if r.Pipelines != nil {
		r.pipelinesSection(w)
	}

	w("## Notes on the method\n\n")
	w("- State is local (`terraform.tfstate` in the working directory) for every kind. Terraform then rewrites the whole state file after each " +
		"resource instance it creates, changes or destroys, so the cost of apply and destroy grows with N × the size of one resource's state: " +
		"a resource type with more attributes (and more sensitive ones, each recorded as a path) costs Terraform core more.\n")
	w("- The emulator runs inside the bench process and shares the machine's cores with Terraform and the providers; its CPU is shown apart above.\n")
	w("- Plans are checked by their output (`No changes.`), not by `-detailed-exitcode`: Terraform 1.11 exits 2 from a `plan -refresh-only` " +
		"that finds nothing whenever a resource has two or more sensitive attributes (it compares their paths in state in an order that varies), " +
		"`terraform_data` with two sensitive values included.\n")
	w("- Every operation is also checked: apply must report N added or N changed, destroy N destroyed, and the emulator must hold N objects after create and none after destroy.\n\n")
	w("## How to reproduce\n\n```sh\nmake bench\n```\n\n")
	w("finds the CLI as `make test` does (`scripts/ensure-cli.sh`) and runs `go run ./dev/cmd/bench -terraform \"$cli\"`, which builds the providers, " +
		"writes this file and prints it. `go run ./dev/cmd/bench -h` lists the flags: `-n 10,100,500`, `-runs 3`, " +
		"`-suites floor,noop,jelou,jurichat,startup,ratelimit,pipelines`, `-rate-limit 50`, `-rate-n 500`, `-pipelines 6`, `-pipeline-limit 20`, `-pipeline-latency 40ms`, `-pipeline-faults 503=0.02`, `-env NAME=value` (for the CLI and the providers), `-o docs-dev/BENCHMARK.md`. " +
		"Run it on a quiet machine: the CPU other processes used, above, says how quiet this one was.\n")
	return b.String()
}

type writef func(format string, args ...any)

func (r *Report) wallTable(w writef) {
	kinds := r.kinds()
	w("## Wall time\n\nMedian (min–max) of each command; × floor is the median over the floor's median at the same N.\n\n| N | operation |")
	for _, k := range kinds {
		if k.Floor {
			w(" %s (floor) |", k.Resource)
		} else {
			w(" %s | × floor |", k.Resource)
		}
	}
	w("\n|---:|---|")
	for _, k := range kinds {
		w("---:|")
		if !k.Floor {
			w("---:|")
		}
	}
	w("\n")
	for _, n := range r.ns() {
		for _, op := range Ops {
			w("| %d | %s |", n, op)
			for _, k := range kinds {
				c := r.Case(k.Name, n)
				if c == nil {
					w(" – |")
					if !k.Floor {
						w(" – |")
					}
					continue
				}
				s := c.wall(op)
				w(" %s (%s–%s) |", seconds(s.Median), trimSeconds(s.Min), trimSeconds(s.Max))
				if !k.Floor {
					if ratio := r.Ratio(k.Name, n, op); ratio > 0 {
						w(" %.2f× |", ratio)
					} else {
						w(" – |")
					}
				}
			}
			w("\n")
		}
	}
	w("\n")
}

func (r *Report) requestTable(w writef) {
	cases := r.providerCases()
	if len(cases) == 0 {
		return
	}
	var kinds []Kind
	for _, k := range r.kinds() {
		if k.API() {
			kinds = append(kinds, k)
		}
	}
	w("## API requests per resource\n\n")
	w("From the emulator's request counts, reset before each command: requests on the resource's own routes divided by N (mean over runs), " +
		"and, apart, requests on other routes per command. apply and destroy refresh the state first, which is the GET. ✓: exactly the target in every run.\n\n")
	w("| N | operation | target |")
	for _, k := range kinds {
		w(" %s | other requests per command |", k.Resource)
	}
	w("\n|---:|---|---|")
	for range kinds {
		w("---|---|")
	}
	w("\n")
	for _, n := range r.ns() {
		for _, op := range Ops {
			w("| %d | %s | %s |", n, op, formatExpected(op.Expected()))
			for _, k := range kinds {
				c := r.Case(k.Name, n)
				if c == nil {
					w(" – | – |")
					continue
				}
				req := c.Requests(op)
				mark := "✓"
				if !req.Exact {
					mark = "✗"
				}
				w(" %s %s | %s |", formatPerMethod(req.PerResource), mark, formatOther(req.Other))
			}
			w("\n")
		}
	}
	w("\n")
	for _, c := range cases {
		if _, ok := c.Requests(OpCreate).Other["GET /jurichat/webhooks/events"]; ok {
			w("The JuriChat event catalogue (`GET /webhooks/events`) checks event names at plan time. It is read once per provider process " +
				"that plans webhooks with events they did not have, whatever N: `apply` plans in two processes (the plan, then the apply " +
				"walk, which plans each resource again), hence two per apply that creates webhooks, none per plan of unchanged ones.\n\n")
			break
		}
	}
}

func (r *Report) processTable(w writef) {
	kinds := r.kinds()
	w("## Memory and provider processes\n\n")
	w("Sampled from /proc every 20 ms: the provider processes the CLI started for the command (how many, and the largest peak resident memory, VmHWM, of any of them), " +
		"and the CLI's own peak. Medians over runs.\n\n| N | operation |")
	for _, k := range kinds {
		if k.Floor {
			w(" CLI peak, %s |", k.Resource)
		} else {
			w(" %s: provider processes | provider peak | CLI peak |", k.Resource)
		}
	}
	w("\n|---:|---|")
	for _, k := range kinds {
		if k.Floor {
			w("---:|")
		} else {
			w("---:|---:|---:|")
		}
	}
	w("\n")
	for _, n := range r.ns() {
		for _, op := range Ops {
			w("| %d | %s |", n, op)
			for _, k := range kinds {
				c := r.Case(k.Name, n)
				if c == nil {
					w(" – |")
					if !k.Floor {
						w(" – | – |")
					}
					continue
				}
				samples := c.Samples[op]
				core := summariseBy(samples, func(s Sample) int64 { return s.Usage.CorePeakRSS })
				if k.Floor {
					w(" %s |", mib(core.Median))
					continue
				}
				procs := summariseBy(samples, func(s Sample) int64 { return int64(s.Usage.ProviderProcs) })
				peak := summariseBy(samples, func(s Sample) int64 { return s.Usage.ProviderPeakRSS })
				w(" %d | %s | %s |", procs.Median, mib(peak.Median), mib(core.Median))
			}
			w("\n")
		}
	}
	w("\n")
}

func (r *Report) cpuTable(w writef) {
	ns := r.ns()
	n := slices.Max(ns)
	w("## Where the time goes, at N=%d\n\n", n)
	w("CPU time of each command (medians over runs): Terraform core is the CLI's CPU (its own and its reaped children's, from wait4) minus the providers'; "+
		"the providers' is summed over their processes from /proc (sampled every 20 ms, so slightly under); the emulator's is this process's (it also polls /proc). "+
		"On %d cores, CPU above wall time means the command was CPU-bound.\n\n", r.Machine.Cores)
	w("| resource | operation | wall | Terraform core CPU | provider CPU | emulator CPU | over the floor | over the plugin floor |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	f, pf := r.Case("floor", n), r.Case("noop", n)
	for _, k := range r.kinds() {
		c := r.Case(k.Name, n)
		if c == nil {
			continue
		}
		for _, op := range Ops {
			s := c.Samples[op]
			wall := c.wall(op).Median
			core := summariseBy(s, func(s Sample) time.Duration { return s.CoreCPU() }).Median
			prov := summariseBy(s, func(s Sample) time.Duration { return s.Usage.ProviderCPU }).Median
			emu := summariseBy(s, func(s Sample) time.Duration { return s.EmulatorCPU }).Median
			overFloor, overPlugin := "–", "–"
			if f != nil && !k.Floor {
				overFloor = signedSeconds(wall - f.wall(op).Median)
			}
			if pf != nil && k.API() {
				overPlugin = signedSeconds(wall - pf.wall(op).Median)
			}
			w("| %s | %s | %s | %s | %s | %s | %s | %s |\n", k.Resource, op, seconds(wall), seconds(core), seconds(prov), seconds(emu), overFloor, overPlugin)
		}
	}
	w("\n")
}

func (r *Report) startupSection(w writef) {
	s := r.Startup
	w("## Provider start-up\n\n")
	w("The provider binary (%s; one binary serves both providers) started %d times per provider as Terraform starts it "+
		"(go-plugin handshake environment), timed from the process start until the handshake line on its standard output, after which Terraform talks to it. "+
		"Resident memory at that moment. For comparison, `%s version` (a Go CLI starting and exiting) takes %s.\n\n",
		mib(s.BinaryBytes), s.Runs, cmp.Or(s.CLIName, "terraform"), millis(s.CLIVersion.Median))
	w("| provider | start until it serves: median (min–max) | of which go-plugin's automatic mTLS | resident memory then |\n|---|---:|---:|---:|\n")
	for _, p := range s.Providers {
		w("| %s | %s (%s–%s) | %s | %s |\n", p.Name, millis(p.Handshake.Median), millis(p.Handshake.Min), millis(p.Handshake.Max),
			millis(p.Handshake.Median-p.WithoutTLS.Median), mib(p.RSS.Median))
	}
	w("\nTerraform passes a client certificate (automatic mutual TLS), and go-plugin, in the provider, makes a P-521 key and certificate " +
		"before the handshake; the middle column is the difference with a start without it. Every command starts several provider processes " +
		"(see the processes column above), each paying this.\n")
	w("\nPackage initialisation before `main` (GODEBUG=inittrace=1): %d packages, %s of init functions, %s allocated; the last init ends %s after the runtime starts. "+
		"This repository's own %d packages take %s and %s of it. The costliest:\n\n| package | init time | allocated |\n|---|---:|---:|\n",
		s.Init.Packages, millis(s.Init.Clock), mib(s.Init.Bytes), millis(s.Init.Done), s.Init.OwnPackages, millis(s.Init.OwnClock), kib(s.Init.OwnBytes))
	for _, p := range s.Init.Top {
		w("| `%s` | %s | %s |\n", p.Package, millis(p.Clock), kib(p.Bytes))
	}
	w("\n")
}

func (r *Report) rateSection(w writef) {
	rl := r.RateLimit
	from, to := rl.CreatePhase()
	w("## Under a rate limit\n\n")
	runs := r.rateRuns()
	w("One `apply` creating %d `jurichat_webhook` against the emulator with a limit of %g requests per second per credential "+
		"(a token bucket holding one second's worth; beyond it, 429 with Retry-After in whole seconds), run %d times; "+
		"the table shows the run with the median share of the allowed rate.\n\n", rl.N, rl.Limit, len(runs))
	w("| | |\n|---|---|\n")
	w("| wall time of the apply | %s (exit status %d, %d error diagnostics) |\n", seconds(rl.Wall), rl.ExitCode, rl.Errors)
	w("| webhooks created | %d of %d |\n", rl.Created, rl.N)
	w("| creating, from first to last | %s to %s: %s |\n", seconds(from), seconds(to), seconds(to-from))
	w("| creates per second while creating | %.1f |\n", rl.SustainedRPS())
	w("| accepted requests, of what the limit allowed while creating | %d of %.0f (%.0f%%): %g/s over the phase, plus the bucket's one-second burst |\n",
		rl.Accepted(), rl.Allowed(), 100*rl.Share(), rl.Limit)
	w("| busiest one-second window | %.0f creates |\n", rl.BusiestRPS())
	w("| accepted requests per second over the whole apply | %.1f (Terraform's start and plan included) |\n", rl.OverallRPS())
	w("| requests sent | %d: %s |\n", rl.Requests, formatOther(toFloat(rl.Counts)))
	w("| answered 429 by the limit | %d (%.1f%% of requests) |\n", rl.Limited, 100*rl.LimitedShare())
	w("| create retries | %d (%.2f per webhook) |\n", rl.Retries(), float64(rl.Retries())/float64(max(1, rl.N)))
	if len(runs) > 1 {
		shares := make([]float64, len(runs))
		limited := make([]int64, len(runs))
		failed := 0
		for i, run := range runs {
			shares[i], limited[i] = 100*run.Share(), int64(run.Limited)
			failed += run.Failed()
		}
		sh, li := Summarise(shares), Summarise(limited)
		w("| over the %d runs | share of the allowed rate %.0f%%–%.0f%%; 429 answers %d–%d; failed webhooks %d |\n",
			len(runs), sh.Min, sh.Max, li.Min, li.Max, failed)
	}
	w("| floor for this apply | %s: %d creates at %g/s, less the first second's burst |\n\n",
		seconds(time.Duration(float64(max(0, rl.N-int(rl.Limit)))/rl.Limit*float64(time.Second))), rl.N, rl.Limit)
}

func (r *Report) pipelinesSection(w writef) {
	p := r.Pipelines
	from, to := p.CreatePhase()
	runs := r.pipelineRuns()
	w("## Pipelines sharing a rate limit\n\n")
	w("%d `apply` commands started at once, each in its own working directory with its own state, as a team's pipelines run: each creates %d `jurichat_webhook` "+
		"and %d `jelou_external_support` with the same JuriChat token and the same Jelou key, at the CLI's default parallelism. "+
		"The emulator allows %g requests per second per credential (the same token bucket as above), adds %s of latency to every request "+
		"and answers %s; then the %d `destroy` commands run at once. Run %d times; the table shows the run with the median share of the limit.\n\n",
		p.Pipelines, p.Webhooks, p.Integrations, p.Limit, p.Latency, faultsText(p.Faults), p.Pipelines, len(runs))
	w("| | |\n|---|---|\n")
	w("| applies that failed | %d of %d |\n", Failed(p.Applies), p.Pipelines)
	w("| objects created | %d of %d webhooks, %d of %d integrations |\n", p.HeldWebhooks, p.Pipelines*p.Webhooks, p.HeldIntegrations, p.Pipelines*p.Integrations)
	w("| wall time: all applies, from the start to the last end | %s |\n", seconds(p.Wall))
	w("| wall time of each apply | %s |\n", formatWalls(p.Applies))
	w("| ideal: JuriChat requests accepted ÷ the limit, less its one-second burst | %s (%d requests at %g/s) |\n", seconds(p.Ideal()), p.JurichatAccepted(), p.Limit)
	w("| creating webhooks, from first to last | %s to %s: %s |\n", seconds(from), seconds(to), seconds(to-from))
	w("| JuriChat requests let through while creating (creates and event-catalogue reads), of what the shared limit allowed | %d of %.0f (%.0f%%) |\n",
		p.PhaseThrough(), p.Allowed(), 100*p.Share())
	w("| requests sent | %d: %s |\n", p.Requests(), formatOther(toFloat(p.Counts)))
	w("| answered 429 by the limit | %d (%.1f%%): %d to JuriChat, %d to Jelou |\n", p.LimitedAll(), 100*p.LimitedShare(), p.Limited["jurichat"], p.Limited["jelou"])
	w("| other faults injected | %d |\n", p.Faulted)
	w("| destroys that failed | %d of %d (slowest %s) |\n", Failed(p.Destroys), len(p.Destroys), seconds(SlowestWall(p.Destroys)))
	if len(runs) > 1 {
		shares := make([]float64, len(runs))
		limited := make([]float64, len(runs))
		failed := 0
		for i, run := range runs {
			shares[i], limited[i] = 100*run.Share(), 100*run.LimitedShare()
			failed += Failed(run.Applies) + Failed(run.Destroys)
		}
		sh, li := Summarise(shares), Summarise(limited)
		w("| over the %d runs | share of the limit %.0f%%–%.0f%%; answered 429 %.1f%%–%.1f%%; failed applies and destroys %d |\n",
			len(runs), sh.Min, sh.Max, li.Min, li.Max, failed)
	}
	w("\n")
}

func faultsText(spec string) string {
	if spec == "" {
		return "no other faults"
	}
	return "`" + spec + "` (the share of requests answered with each fault)"
}

func formatWalls(runs []PipelineRun) string {
	parts := make([]string, len(runs))
	for i, p := range runs {
		parts[i] = seconds(p.Wall)
	}
	return strings.Join(parts, ", ")
}

// ---- formatting ----

func formatPerMethod(m map[string]float64) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, method := range methodOrder(slices.Collect(maps.Keys(m))) {
		parts = append(parts, trimFloat(m[method])+" "+method)
	}
	return strings.Join(parts, " + ")
}

func formatExpected(m map[string]int) string {
	f := make(map[string]float64, len(m))
	for k, v := range m {
		f[k] = float64(v)
	}
	return formatPerMethod(f)
}

func formatOther(m map[string]float64) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s × `%s`", trimFloat(m[k]), k))
	}
	return strings.Join(parts, ", ")
}

func toFloat(m map[string]int) map[string]float64 {
	f := make(map[string]float64, len(m))
	for k, v := range m {
		f[k] = float64(v)
	}
	return f
}

// methodOrder sorts HTTP methods in CRUD order: GET, POST, PATCH, PUT, DELETE, then others.
func methodOrder(methods []string) []string {
	rank := map[string]int{"GET": 1, "POST": 2, "PATCH": 3, "PUT": 4, "DELETE": 5}
	slices.SortFunc(methods, func(a, b string) int {
		ra, rb := rank[a], rank[b]
		if ra == 0 {
			ra = 9
		}
		if rb == 0 {
			rb = 9
		}
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return methods
}

func dedupe(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// trimFloat formats with up to two decimals, without trailing zeros.
func trimFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

func trimSeconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) }

func signedSeconds(d time.Duration) string {
	if d >= 0 {
		return "+" + seconds(d)
	}
	return "−" + seconds(-d)
}

// millis formats a duration in milliseconds: one decimal, two below 1 ms.
func millis(d time.Duration) string {
	prec := 1
	if d < time.Millisecond {
		prec = 2
	}
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', prec, 64) + " ms"
}

func kib(b int64) string { return strconv.FormatFloat(float64(b)/(1<<10), 'f', 1, 64) + " KiB" }

func mib(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MiB" }

func gib(b int64) string { return strconv.FormatFloat(float64(b)/(1<<30), 'f', 1, 64) + " GiB" }
