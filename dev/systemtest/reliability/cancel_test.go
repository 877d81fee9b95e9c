package reliability

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// The cancel test: a pipeline cancels `terraform apply` while creates are in
// flight, after the server has acted and before its answers arrive.
const (
	cancelResourcesPerKind = 15
	// cancelAnswerLatency is how long the emulator holds the answer of every
	// change after acting on it; the interrupt comes within it.
	cancelAnswerLatency = 2 * time.Second
	cancelAfter         = time.Second
)

// TestCancel_interruptedApplyLeavesNothingBehind applies 15
// jelou_external_support and 15 jurichat_webhook whose create answers arrive
// two seconds after the server has stored them, sends SIGINT to the CLI after
// one second, and checks that what the server holds is all in state with its
// secret; then applies again: no duplicate, no orphan, every secret the
// server's, an empty plan, a clean destroy.
func TestCancel_interruptedApplyLeavesNothingBehind(t *testing.T) {
	acctest.PreCheck(t)
	cli, cliCfg := buildForCLI(t, "cancel test")
	ctx := context.Background()
	opts := emulator.DefaultOptions()
	opts.AnswerLatency = cancelAnswerLatency
	emu, err := emulator.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	defer func() { _ = emu.Close() }()
	dir, env := cancelWorkdir(t, cliCfg, emu, opts)

	run := mustRun(t, cliRunner(ctx, cli, dir, env))

	// The interrupted apply: tfrun.Command sends SIGINT when its context ends.
	start := time.Now()
	var out bytes.Buffer
	cctx, cancel := context.WithCancel(ctx)
	var interrupted time.Time
	go func() {
		// The interrupt comes cancelAfter after the first create reached
		// the server (planning first takes a varying while on a loaded
		// machine), within the answer latency of the creates in flight.
		for cctx.Err() == nil && !anyCreate(emu) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(cancelAfter)
		interrupted = time.Now()
		cancel()
	}()
	// -parallelism covering every resource puts creates of both providers in
	// flight at the interrupt, whatever order the CLI walks the graph in.
	_, err = tfrun.Command{Name: "terraform apply", Path: cli,
		Args: []string{"apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", 2*cancelResourcesPerKind)},
		Dir:  dir, Env: env, Stdout: &out, Stderr: &out}.Run(cctx)
	ended := time.Now()
	cancel()
	if interrupted.IsZero() {
		t.Fatalf("the apply ended before the interrupt: nothing was in flight\n%s", out.String())
	}
	stopped := ended.Sub(interrupted)
	if err == nil {
		t.Fatalf("the interrupted apply succeeded:\n%s", out.String())
	}
	if stopped > tfrunStopBound {
		t.Errorf("the interrupted apply took %v to stop, want at most %v after the interrupt", stopped, tfrunStopBound)
	}
	jelouAfterStop, juriAfterStop := len(emu.JelouIntegrations()), len(emu.JurichatWebhooks())
	if jelouAfterStop == 0 || juriAfterStop == 0 {
		t.Fatalf("the server holds %d integrations and %d webhooks after the interrupt: the creates of both providers "+
			"were not in flight\n%s", jelouAfterStop, juriAfterStop, out.String())
	}
	// Whatever the server stored is in state, with its secret: -1 accepts a
	// partial state.
	checkConverged(t, emu, run, -1)
	if t.Failed() {
		t.Fatalf("the interrupted apply left the server and the state apart; its output:\n%s", out.String())
	}
	counts := emu.RequestCounts()
	const jelouRoute = "/jelou/v1/external-support/{projectId}"
	if n := counts["DELETE "+jelouRoute] + counts["DELETE /jurichat/webhooks/{webhookId}"]; n != 0 {
		t.Errorf("%d deletes sent while settling: nothing may be deleted", n)
	}
	if n, m := counts["POST "+jelouRoute], counts["POST /jurichat/webhooks"]; n != jelouAfterStop || m != juriAfterStop {
		t.Errorf("%d Jelou and %d JuriChat creates sent for %d and %d stored: a create was sent again after the stop",
			n, m, jelouAfterStop, juriAfterStop)
	}

	// Apply again: it creates the rest, duplicates nothing.
	secondStart := time.Now()
	if code, out := run("apply", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("the apply after the interrupt failed:\n%s", out)
	}
	second := time.Since(secondStart)
	checkConverged(t, emu, run, cancelResourcesPerKind)
	if code, out := run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after the second apply is not empty (exit %d):\n%s", code, out)
	}
	if code, out := run("destroy", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("destroy failed:\n%s", out)
	}
	if n, m := len(emu.JelouIntegrations()), len(emu.JurichatWebhooks()); n != 0 || m != 0 {
		t.Errorf("after destroy the server still holds %d integrations and %d webhooks", n, m)
	}
	t.Logf("interrupted %v after the first create reached the server: the apply stopped %v after the interrupt with %d integrations and %d webhooks stored, all in state "+
		"with the server's secrets; the second apply took %v; the whole test %v",
		cancelAfter, stopped.Round(time.Millisecond), jelouAfterStop, juriAfterStop, second.Round(time.Millisecond),
		time.Since(start).Round(time.Millisecond))
}

// tfrunStopBound is how long after the interrupt the CLI may take to stop:
// the answer latency (a regenerate sent while settling waits for it too) plus
// one second for Terraform and the providers.
const tfrunStopBound = cancelAnswerLatency + 3*time.Second

// buildForCLI builds the providers and writes a CLI configuration taking them
// from the build; it returns the CLI and that configuration.
func buildForCLI(t *testing.T, comment string) (string, string) {
	t.Helper()
	cli := acctest.FindCLI().Path
	cliCfg := acctest.BuildProviders(t, t.TempDir(), comment)
	return cli, cliCfg
}

// cancelWorkdir writes the configuration of cancelResourcesPerKind resources
// of each kind and returns its directory and the CLI's environment.
func cancelWorkdir(t *testing.T, cliCfg string, emu *emulator.Server, opts emulator.Options) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	writeConfig(t, dir, cancelResourcesPerKind, cancelResourcesPerKind, "fault")
	return dir, tfrun.Env(cliCfg,
		"JELOU_API_KEY="+opts.JelouAPIKey, "JURICHAT_TOKEN="+opts.JurichatToken,
		"TF_VAR_jelou_base_url="+emu.JelouURL(), "TF_VAR_jurichat_base_url="+emu.JurichatURL(),
		"TF_VAR_receiver=https://receiver.example.com",
	)
}

// anyCreate reports whether a create has reached the emulator.
func anyCreate(emu *emulator.Server) bool {
	counts := emu.RequestCounts()
	return counts["POST /jelou/v1/external-support/{projectId}"]+counts["POST /jurichat/webhooks"] > 0
}

// TestCancel_secondInterruptStopsAtOnce interrupts an apply twice, the way a
// user presses Ctrl-C again or a runner follows SIGINT with SIGTERM: the CLI
// must exit without waiting for the settling (Terraform gives its operations
// at most five seconds after a second interrupt, then exits and kills the
// providers), and no provider process may stay behind.
func TestCancel_secondInterruptStopsAtOnce(t *testing.T) {
	acctest.PreCheck(t)
	cli, cliCfg := buildForCLI(t, "cancel test")
	ctx := context.Background()
	opts := emulator.DefaultOptions()
	// Long enough that a settling regenerate, which waits for it too, would
	// keep a singly interrupted apply well beyond the bound below.
	opts.AnswerLatency = 8 * time.Second
	emu, err := emulator.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	defer func() { _ = emu.Close() }()
	dir, env := cancelWorkdir(t, cliCfg, emu, opts)

	procs := make(chan *os.Process, 1)
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		// Every create in flight, Jelou's included, whose settling
		// regenerate waits for the answer latency: a single interrupt
		// would keep the CLI waiting.
		_, err := tfrun.Command{Name: "terraform apply", Path: cli,
			Args: []string{"apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", 2*cancelResourcesPerKind)},
			Dir:  dir, Env: env, Stdout: &out, Stderr: &out, Started: func(p *os.Process) { procs <- p }}.Run(ctx)
		done <- err
	}()
	p := <-procs
	for !anyCreate(emu) {
		select {
		case err := <-done:
			t.Fatalf("the apply ended before any create: %v\n%s", err, out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	time.Sleep(cancelAfter)
	if err := tfrun.Interrupt(p); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	second := time.Now()
	if err := tfrun.Interrupt(p); err != nil {
		t.Fatalf("second interrupt: %v (the CLI stopped after the first: nothing was settling)\n%s", err, out.String())
	}
	// Terraform's own bound after a second interrupt is five seconds.
	const bound = 6 * time.Second
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("the twice interrupted apply succeeded:\n%s", out.String())
		}
		t.Logf("the CLI exited %v after the second interrupt", time.Since(second).Round(time.Millisecond))
	case <-time.After(bound):
		t.Fatalf("the CLI did not exit within %v of a second interrupt", bound)
	}
	if providers := filepath.Join(filepath.Dir(cliCfg), "providers"); !eventuallyNoProcessUnder(providers, 5*time.Second) {
		t.Errorf("provider processes from %s still run after the CLI exited", providers)
	}
}

// eventuallyNoProcessUnder waits up to d for no process whose executable lies
// in dir to be running. Where /proc is missing it only checks nothing.
func eventuallyNoProcessUnder(dir string, d time.Duration) bool {
	if _, err := os.Stat("/proc/self/exe"); err != nil {
		return true
	}
	for deadline := time.Now().Add(d); ; time.Sleep(50 * time.Millisecond) {
		found := false
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
			if err == nil && strings.HasPrefix(exe, dir+string(os.PathSeparator)) {
				found = true
				break
			}
		}
		if !found {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
