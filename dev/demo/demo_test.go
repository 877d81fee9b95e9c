package demo

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// syncBuffer is a goroutine-safe buffer for the demo's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// observed is what the test hooks saw during a run.
type observed struct {
	mu       sync.Mutex
	secrets  []string
	receiver *receiverProcess
	tempDir  string
	objects  int // integrations + webhooks in the emulator after apply
}

func (o *observed) hook(opts *Options) {
	opts.onSecrets = func(s []string) { o.mu.Lock(); o.secrets = s; o.mu.Unlock() }
	opts.onReceiver = func(p *receiverProcess) { o.mu.Lock(); o.receiver = p; o.mu.Unlock() }
	opts.onTempDir = func(d string) { o.mu.Lock(); o.tempDir = d; o.mu.Unlock() }
	opts.inspect = func(s *emulator.Server) {
		o.mu.Lock()
		o.objects = len(s.JelouIntegrations()) + len(s.JurichatWebhooks())
		o.mu.Unlock()
	}
}

// assertCleanedUp checks that the run left nothing behind.
func (o *observed) assertCleanedUp(t *testing.T) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.receiver != nil && !o.receiver.Exited() {
		t.Errorf("the receiver (process %d) is still running", o.receiver.cmd.Process.Pid)
	}
	if o.tempDir == "" {
		t.Error("no temporary directory was reported")
	} else if _, err := os.Stat(o.tempDir); !os.IsNotExist(err) {
		t.Errorf("the temporary directory %s is still there (%v)", o.tempDir, err)
	}
}

// TestDemo runs the whole demo with the real CLI, as `make demo` does.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo builds the providers and runs a Terraform CLI; skipped with -short")
	}
	acctest.PreCheck(t)
	cli := acctest.FindCLI()

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var out syncBuffer
	var seen observed
	opts := Options{Terraform: cli.Path, Out: &out, ReceiverMaxLifetime: 5 * time.Minute}
	seen.hook(&opts)
	start := time.Now()
	err := Run(ctx, opts)
	text := out.String()
	t.Logf("demo with %s %s took %s", cli.Product, cli.Version, time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("the demo failed: %v\n%s", err, text)
	}

	for _, want := range []string{
		"[1/8] Build the providers", "[6/8] Rotate the Jelou signing secret in place", "[8/8] Destroy and stop everything",
		"Jelou Signing Secret Will Be Regenerated",
		"POST /jelou/v1/external-support/{projectId}/secret/regenerate",
		"Signed with the new secret: verified.",
		"Signed with the old secret: rejected (HTTP 401, X-Jelou-Signature does not match the body)",
		"receiver | registered the signing secret and the expected bearer credential for jelou/support-panel",
		"receiver | registered the signing secret for jurichat/crm-leads",
		"receiver | registered the signing secret for jurichat/conversations",
		"(sensitive value)",
		"(output suppressed due to sensitive value in config)",
		"receiver | #1 jelou/support-panel event=message: verified",
		"event=crm.lead.created delivery=", "event=chat.conversation.assigned delivery=",
		"jelou/support-panel event=message: REJECTED (HTTP 401): X-Jelou-Signature does not match the body",
		"REJECTED (HTTP 401): X-JuriChat-Signature does not match the body",
		"Genuine deliveries verified: 5 of 5.  Tampered deliveries rejected: 2 of 2.",
		"No changes.",
		"Destroy complete! Resources: 6 destroyed.",
		"no Jelou integration, no JuriChat webhook left",
		"receiver | stopped: standard input closed",
		"No secret appeared in this output",
		`Next: README.md, "` + nextHeading + `", to run a configuration of your own;`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	// The verdict table: every genuine row verified, every tampered row rejected, all as expected.
	rows := regexp.MustCompile(`(?m)^    \d+\s+(jelou|jurichat)/\S+\s+\S+\s+(genuine|tampered)\s+(.*?)\s+(yes|NO)$`).FindAllStringSubmatch(text, -1)
	if len(rows) != 7 {
		t.Errorf("the verdict table has %d rows, want 7", len(rows))
	}
	for _, r := range rows {
		genuine := r[2] == "genuine"
		if genuine != (r[3] == "verified") || r[4] != "yes" {
			t.Errorf("verdict row %q", r[0])
		}
	}
	if strings.Contains(text, "FAILED") {
		t.Error("the output says FAILED")
	}

	if len(seen.secrets) < 11 {
		t.Errorf("only %d secrets observed, want the 7 generated ones, the 3 vendor secrets and the rotated one", len(seen.secrets))
	}
	for i, s := range seen.secrets {
		if s == "" {
			t.Errorf("secret %d is empty", i)
		} else if strings.Contains(text, s) {
			t.Errorf("secret %d appears in the output", i)
		}
	}
	if seen.objects != 3 {
		t.Errorf("after apply the emulator held %d objects, want 3", seen.objects)
	}
	seen.assertCleanedUp(t)
}

// fakeCLI writes a shell script standing in for terraform. It records each
// invocation in log, and runs behaviour[subcommand] (default: exit 0).
func fakeCLI(t *testing.T, behaviour map[string]string) (cli, log string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake CLI is a shell script")
	}
	dir := t.TempDir()
	log = filepath.Join(dir, "invocations")
	var cases strings.Builder
	for sub, script := range behaviour {
		cases.WriteString("  " + sub + ") " + script + " ;;\n")
	}
	script := `#!/bin/sh
echo "$1" >> '` + log + `'
case "$1" in
  version) echo "Terraform v1.11.4 (fake)" ;;
` + cases.String() + `esac
exit 0
`
	cli = filepath.Join(dir, "terraform")
	if err := os.WriteFile(cli, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return cli, log
}

func invocations(t *testing.T, log string) string {
	t.Helper()
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(data)), " ")
}

// TestDemoFailureCleansUp: when a step fails, the demo names it, destroys
// what apply may have created, stops the receiver and the emulator and
// removes its temporary directory.
func TestDemoFailureCleansUp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the providers; skipped with -short")
	}
	cli, log := fakeCLI(t, map[string]string{"apply": `echo "Error: something broke" >&2; exit 1`})
	var out syncBuffer
	var seen observed
	opts := Options{Terraform: cli, Out: &out}
	seen.hook(&opts)
	err := Run(context.Background(), opts)
	text := out.String()

	var se *StepError
	if !errors.As(err, &se) || se.Step != 3 {
		t.Fatalf("err = %v, want a StepError for step 3\n%s", err, text)
	}
	if !strings.Contains(err.Error(), "step 3/8 (apply examples/demo) failed: terraform apply exited with status 1") {
		t.Errorf("err = %q", err)
	}
	for _, want := range []string{"| Error: something broke", "Cleaning up", "apply had started: destroying what it created",
		"stopping the receiver", "receiver | stopped: standard input closed", "stopping the emulator", "FAILED"} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q\n%s", want, text)
		}
	}
	if got := invocations(t, log); got != "version get apply destroy" {
		t.Errorf("CLI invocations = %q, want version get apply destroy", got)
	}
	seen.assertCleanedUp(t)
}

// TestDemoInterrupted: an interrupt during apply stops the run, which then
// cleans up as after a failure.
func TestDemoInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the providers; skipped with -short")
	}
	cli, log := fakeCLI(t, map[string]string{"apply": `exec sleep 60`})
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		for ctx.Err() == nil {
			if data, _ := os.ReadFile(log); strings.Contains(string(data), "apply") {
				time.Sleep(200 * time.Millisecond)
				cancel(errors.New("interrupt received"))
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	var out syncBuffer
	var seen observed
	opts := Options{Terraform: cli, Out: &out}
	seen.hook(&opts)
	start := time.Now()
	err := Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "step 3/8") || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v\n%s", err, out.String())
	}
	if d := time.Since(start); d > 50*time.Second {
		t.Errorf("the interrupted demo took %s to stop", d)
	}
	if got := invocations(t, log); got != "version get apply destroy" {
		t.Errorf("CLI invocations = %q, want version get apply destroy", got)
	}
	seen.assertCleanedUp(t)
}

func TestDemoNeedsACLI(t *testing.T) {
	var out syncBuffer
	err := Run(context.Background(), Options{Out: &out})
	if err == nil || !strings.Contains(err.Error(), "no Terraform CLI") {
		t.Fatalf("err = %v", err)
	}
}

func TestLineWriter(t *testing.T) {
	var buf bytes.Buffer
	c := newConsole(&buf, false)
	var lines []string
	w := c.lines("    | ")
	w.onLine = func(l string) { lines = append(lines, l) }
	_, _ = w.Write([]byte("one\r\ntw"))
	_, _ = w.Write([]byte("o\n\nthree"))
	_ = w.Close()
	want := "    | one\n    | two\n    |\n    | three\n"
	if buf.String() != want {
		t.Errorf("output = %q, want %q", buf.String(), want)
	}
	if strings.Join(lines, ",") != "one,two,,three" {
		t.Errorf("lines = %q", lines)
	}
	c.printf("a\n\nb")
	if !strings.HasSuffix(buf.String(), "    a\n\n    b\n") {
		t.Errorf("printf output = %q", buf.String())
	}
	if n, complete := c.leaked([]string{"two", "absent", ""}); n != 1 || !complete {
		t.Errorf("leaked = %d, %v", n, complete)
	}
}

func TestReadOutputs(t *testing.T) {
	d := &demo{name: "terraform"}
	good := `{"jelou_project_id":{"sensitive":false,"value":"p"},
	  "jurichat_webhooks":{"sensitive":false,"value":{"a":{"id":"1","events":["x"]},"b":{"id":"2","events":["y"]}}}}`
	if err := d.readOutputs([]byte(good)); err != nil {
		t.Fatal(err)
	}
	if d.outputs.JelouProjectID != "p" || d.outputs.JurichatWebhooks["b"].ID != "2" {
		t.Errorf("outputs = %+v", d.outputs)
	}
	sensitive := strings.Replace(good, `"jelou_project_id":{"sensitive":false`, `"jelou_project_id":{"sensitive":true`, 1)
	if err := (&demo{}).readOutputs([]byte(sensitive)); err == nil || !strings.Contains(err.Error(), "sensitive") {
		t.Errorf("a sensitive output was read: %v", err)
	}
	if err := (&demo{}).readOutputs([]byte(`{}`)); err == nil {
		t.Error("missing outputs accepted")
	}
}

// The demo's closing lines name a README heading: it must exist.
func TestNextHeadingExists(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^#{1,6} ` + regexp.QuoteMeta(nextHeading) + `$`).Match(readme) {
		t.Errorf("README.md has no heading %q, which the demo's closing lines name", nextHeading)
	}
}
