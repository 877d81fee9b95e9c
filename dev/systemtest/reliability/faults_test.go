// Package reliability holds the fault test: both providers, run as real
// processes by a real CLI the way pipelines run them, apply 50
// jelou_external_support and 50 jurichat_webhook against an emulator that
// fails, throttles and drops connections, and must converge with no
// duplicate, no orphan and no lost secret; then rotate every Jelou signing
// secret in place under the same faults, deleting and creating nothing. The
// pipelines test runs several CLIs at once on one credential under the same
// faults and a shared rate limit (pipelines_test.go).
package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// The fault mix of the issue: per vendor request, 5% each of 500, 503 and
// 429, 2% of connections dropped before acting and 2% dropped after storing
// the change.
const faultMix = "500=0.05,503=0.05,429=0.05,reset=0.02,commit-reset=0.02"

const (
	resourcesPerKind = 50
	// maxRuns bounds the applies (and destroys) a seed may need: retries are
	// bounded, so a command can fail under faults; running it again must
	// converge.
	maxRuns        = 5
	commandTimeout = 10 * time.Minute
)

// The seeds the test runs; each is a different, reproducible sequence of faults.
var seeds = []int64{1, 2, 3}

// config is the configuration of one working directory: %[1]d
// jelou_external_support and %[2]d jurichat_webhook, whose project ids and
// names start with the prefix %[3]s (writeConfig fills them in).
const config = `
terraform {
  required_providers {
    jelou    = { source = "externalsupport/jelou" }
    jurichat = { source = "externalsupport/jurichat" }
  }
}

variable "jelou_base_url" { type = string }
variable "jurichat_base_url" { type = string }
variable "receiver" { type = string }
variable "rotation" {
  type    = string
  default = "1"
}

provider "jelou" {
  base_url = var.jelou_base_url # JELOU_API_KEY from the environment
}

provider "jurichat" {
  base_url = var.jurichat_base_url # JURICHAT_TOKEN from the environment
}

resource "jelou_external_support" "panel" {
  count       = %[1]d
  project_id  = "%[3]s-project-${count.index}"
  webhook_url = "${var.receiver}/jelou/${count.index}"

  rotate_when_changed = {
    rotation = var.rotation
  }
}

resource "jurichat_webhook" "hook" {
  count  = %[2]d
  name   = "%[3]s-webhook-${count.index}"
  url    = "${var.receiver}/jurichat/${count.index}"
  events = ["crm.lead.created", "contact.created"]
  headers = {
    "X-Receiver-Token" = "token-${count.index}"
  }
}
`

// figures is what one seed's run reports.
type figures struct {
	seed              int64
	applies, destroys int
	rotations         int // applies the rotation needed
	faults            map[string]int
	requests, minimal int
	planOK            bool
}

func TestFaults_convergeWithoutDuplicatesOrLostSecrets(t *testing.T) {
	acctest.PreCheck(t)
	cli := acctest.FindCLI().Path
	work := t.TempDir()
	cliCfg := acctest.BuildProviders(t, work, "fault test")

	var all []figures
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed_%d", seed), func(t *testing.T) {
			all = append(all, runSeed(t, cli, cliCfg, seed))
		})
	}
	for _, f := range all {
		t.Logf("seed %d: applies needed %d, rotation applies %d, destroys needed %d; faults injected %s; vendor requests %d "+
			"for %d resources (%d without faults: create, refresh, regenerate, destroy), so %d retried or recovery requests",
			f.seed, f.applies, f.rotations, f.destroys, formatCounts(f.faults), f.requests, 2*resourcesPerKind, f.minimal, f.requests-f.minimal)
	}
}

func runSeed(t *testing.T, cli, cliCfg string, seed int64) figures {
	ctx := context.Background()
	emuCtx, stop := context.WithCancel(ctx)
	defer stop()
	opts := emulator.DefaultOptions()
	opts.Faults = faultMix
	opts.Seed = seed
	emu, err := emulator.Start(emuCtx, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	defer func() { _ = emu.Close() }()

	dir := t.TempDir()
	writeConfig(t, dir, resourcesPerKind, resourcesPerKind, "fault")
	env := tfrun.Env(cliCfg,
		"JELOU_API_KEY="+opts.JelouAPIKey, "JURICHAT_TOKEN="+opts.JurichatToken,
		"TF_VAR_jelou_base_url="+emu.JelouURL(), "TF_VAR_jurichat_base_url="+emu.JurichatURL(),
		"TF_VAR_receiver=https://receiver.example.com",
	)
	tried := cliRunner(ctx, cli, dir, env)
	run := mustRun(t, tried)
	f := figures{seed: seed}

	label := fmt.Sprintf("seed %d", seed)
	// Apply until it succeeds: every run must leave state and server consistent.
	if f.applies, err = untilSuccess(t, label, "apply", tried, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatal(err)
	}
	checkConverged(t, emu, run, resourcesPerKind)

	// A plan finds nothing to change, even while the faults go on.
	if err := planEmpty(t, label, tried); err != nil {
		t.Fatal(err)
	}
	f.planOK = true

	// Rotate every Jelou signing secret in place, under the same faults:
	// each integration keeps its id and gets a new secret, which is the
	// server's; nothing is deleted or created.
	before := map[string]emulator.JelouIntegration{}
	for _, in := range emu.JelouIntegrations() {
		before[in.BrainID] = in
	}
	countsBefore := emu.RequestCounts()
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars"), []byte("rotation = \"2\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if f.rotations, err = untilSuccess(t, label, "rotation apply", tried, "apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatal(err)
	}
	checkConverged(t, emu, run, resourcesPerKind)
	countsAfter := emu.RequestCounts()
	const jelouRoute = "/jelou/v1/external-support/{projectId}"
	for _, k := range []string{"POST " + jelouRoute, "DELETE " + jelouRoute} {
		if n := countsAfter[k] - countsBefore[k]; n != 0 {
			t.Errorf("seed %d: the rotation sent %d × %s: it must regenerate in place", seed, n, k)
		}
	}
	if n := countsAfter["POST "+jelouRoute+"/secret/regenerate"] - countsBefore["POST "+jelouRoute+"/secret/regenerate"]; n < resourcesPerKind {
		t.Errorf("seed %d: %d regenerate requests for %d integrations", seed, n, resourcesPerKind)
	}
	for _, in := range emu.JelouIntegrations() {
		old, ok := before[in.BrainID]
		switch {
		case !ok:
			t.Errorf("seed %d: the rotation created an integration for %s", seed, in.BrainID)
		case in.ID != old.ID:
			t.Errorf("seed %d: the integration of %s was replaced (id %s, was %s)", seed, in.BrainID, in.ID, old.ID)
		case in.SigningSecret == old.SigningSecret:
			t.Errorf("seed %d: the secret of %s was not regenerated", seed, in.BrainID)
		}
	}
	if code, out := run("plan", "-detailed-exitcode", "-input=false"); code == 2 {
		t.Fatalf("seed %d: the plan after the rotation has changes:\n%s", seed, out)
	}

	if f.destroys, err = untilSuccess(t, label, "destroy", tried, "destroy", "-auto-approve", "-input=false"); err != nil {
		t.Fatal(err)
	}
	if n, m := len(emu.JelouIntegrations()), len(emu.JurichatWebhooks()); n != 0 || m != 0 {
		t.Errorf("seed %d: after destroy the server still holds %d integrations and %d webhooks", seed, n, m)
	}

	f.faults = emu.FaultCounts()
	f.requests = totalRequests(emu)
	// Without faults: one create per resource, one refresh per resource per
	// plan-like command after it (the plan, the rotation's apply, the plan
	// after it, the destroy's refresh), one regenerate per integration, one
	// delete, plus the event catalogue the JuriChat provider reads per run.
	f.minimal = 2*resourcesPerKind*(1+4+1) + resourcesPerKind + f.applies + 2 + f.destroys
	return f
}

// checkConverged compares the server with the state: every configured object
// (want of each kind) exists once, nothing else exists, and every secret in
// state is the server's. want < 0 accepts any number in state (a run that was
// stopped): what is on the server must still all be in state.
func checkConverged(t *testing.T, emu *emulator.Server, run func(args ...string) (int, string), want int) {
	t.Helper()
	state := readState(t, run)
	server := readServer(t, emu)
	jelouN, juriN := server.checkState(t, "", state, "")
	if want >= 0 && (jelouN != want || juriN != want) {
		t.Errorf("state holds %d integrations and %d webhooks, want %d of each", jelouN, juriN, want)
	}
	server.checkNoOrphan(t)
}

// stateResource is a resource of `terraform show -json`: its type and values.
type stateResource struct {
	Type   string         `json:"type"`
	Values map[string]any `json:"values"`
}

// readState reads the state of run's working directory with `terraform show -json`.
func readState(t *testing.T, run func(args ...string) (int, string)) []stateResource {
	t.Helper()
	code, out := run("show", "-json")
	if code != 0 {
		t.Fatalf("terraform show -json failed:\n%s", errorLines(out))
	}
	var state struct {
		Values struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(firstJSON(out)), &state); err != nil {
		t.Fatalf("reading terraform show -json: %v", err)
	}
	return state.Values.RootModule.Resources
}

// serverObjects is what the emulator holds, by the keys states name it by,
// and which of it a state has claimed.
type serverObjects struct {
	integrations map[string]emulator.JelouIntegration // by project id
	webhooks     map[string]emulator.JurichatWebhook  // by id
	inState      map[string]bool                      // "jelou/<project>", "jurichat/<id>"
}

// readServer reads the emulator's objects, failing on a duplicate: two
// integrations of one project, or two webhooks of one name (every
// configuration here names its webhooks apart).
func readServer(t *testing.T, emu *emulator.Server) serverObjects {
	t.Helper()
	s := serverObjects{integrations: map[string]emulator.JelouIntegration{}, webhooks: map[string]emulator.JurichatWebhook{}, inState: map[string]bool{}}
	for _, in := range emu.JelouIntegrations() {
		if _, dup := s.integrations[in.BrainID]; dup {
			t.Errorf("duplicate integration on the server for project %s", in.BrainID)
		}
		s.integrations[in.BrainID] = in
	}
	names := map[string]int{}
	for _, w := range emu.JurichatWebhooks() {
		s.webhooks[w.ID] = w
		names[w.Name]++
	}
	for name, n := range names {
		if n > 1 {
			t.Errorf("%d webhooks named %s on the server: a create was duplicated", n, name)
		}
	}
	return s
}

// checkState checks one state against the server: every object in it exists
// on the server with the state's secret (secrets are only ever compared, and
// reported by length), and, when prefix is not "", its project id or name
// starts with prefix (a pipeline's state holds only that pipeline's objects).
// It marks the objects as claimed and returns how many of each kind the state
// holds. label heads the messages.
func (s serverObjects) checkState(t *testing.T, label string, state []stateResource, prefix string) (jelouN, juriN int) {
	t.Helper()
	if label != "" {
		label += ": "
	}
	for _, r := range state {
		switch r.Type {
		case "jelou_external_support":
			jelouN++
			project, _ := r.Values["project_id"].(string)
			secret, _ := r.Values["signing_secret"].(string)
			in, ok := s.integrations[project]
			switch {
			case !strings.HasPrefix(project, prefix):
				t.Errorf("%sproject %s is in this state but not of this configuration", label, project)
			case !ok:
				t.Errorf("%sproject %s is in state but has no integration on the server", label, project)
			case secret == "" || secret != in.SigningSecret:
				t.Errorf("%sproject %s: the signing secret in state (%d characters) is not the server's", label, project, len(secret))
			}
			if s.inState["jelou/"+project] {
				t.Errorf("%sproject %s is in more than one state", label, project)
			}
			s.inState["jelou/"+project] = true
		case "jurichat_webhook":
			juriN++
			id, _ := r.Values["id"].(string)
			name, _ := r.Values["name"].(string)
			secret, _ := r.Values["secret"].(string)
			w, ok := s.webhooks[id]
			switch {
			case !strings.HasPrefix(name, prefix):
				t.Errorf("%swebhook %s (%s) is in this state but not of this configuration", label, id, name)
			case !ok:
				t.Errorf("%swebhook %s is in state but not on the server", label, id)
			case secret == "" || secret != w.Secret:
				t.Errorf("%swebhook %s: the secret in state (%d characters) is not the server's", label, id, len(secret))
			}
			if s.inState["jurichat/"+id] {
				t.Errorf("%swebhook %s is in more than one state", label, id)
			}
			s.inState["jurichat/"+id] = true
		}
	}
	return jelouN, juriN
}

// checkNoOrphan fails on every object on the server that no checked state claimed.
func (s serverObjects) checkNoOrphan(t *testing.T) {
	t.Helper()
	var orphans []string
	for project := range s.integrations {
		if !s.inState["jelou/"+project] {
			orphans = append(orphans, "integration of "+project)
		}
	}
	for id, w := range s.webhooks {
		if !s.inState["jurichat/"+id] {
			orphans = append(orphans, "webhook "+w.Name)
		}
	}
	sort.Strings(orphans)
	if len(orphans) > 0 {
		t.Errorf("orphans on the server (not in state): %s", strings.Join(orphans, ", "))
	}
}

// writeConfig writes dir/main.tf: config with jelouN integrations and juriN
// webhooks named with prefix.
func writeConfig(t *testing.T, dir string, jelouN, juriN int, prefix string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), fmt.Appendf(nil, config, jelouN, juriN, prefix), 0o600); err != nil {
		t.Fatal(err)
	}
}

// cliRunner returns a run of the CLI in dir with env: its exit code and its
// output (stdout and stderr in one buffer, as a pipeline's log shows them).
// err is a failure other than the CLI's exit status: it could not start, or
// ran past commandTimeout. It is safe to call from any goroutine.
func cliRunner(ctx context.Context, cli, dir string, env []string) func(args ...string) (int, string, error) {
	return func(args ...string) (int, string, error) {
		var out bytes.Buffer
		cctx, cancel := context.WithTimeout(ctx, commandTimeout)
		defer cancel()
		_, err := tfrun.Command{Name: "terraform " + args[0], Path: cli, Args: append(args, "-no-color"),
			Dir: dir, Env: env, Stdout: &out, Stderr: &out}.Run(cctx)
		var exitErr *tfrun.ExitError
		switch {
		case err == nil:
			return 0, out.String(), nil
		case errors.As(err, &exitErr):
			return exitErr.Code, out.String(), nil
		default:
			return -1, "", fmt.Errorf("terraform %s: %w", args[0], err)
		}
	}
}

// mustRun is run for the test's own goroutine: an error other than the
// CLI's exit status ends the test.
func mustRun(t *testing.T, run func(args ...string) (int, string, error)) func(args ...string) (int, string) {
	return func(args ...string) (int, string) {
		code, out, err := run(args...)
		if err != nil {
			t.Fatal(err)
		}
		return code, out
	}
}

// untilSuccess runs the command args until it exits 0, at most maxRuns
// times: retries are bounded, so a command can fail under faults; running it
// again must converge. It logs the error lines of each failure (never the
// whole output) headed by label and what, and returns the runs it took. It
// only logs, so it may run on any goroutine.
func untilSuccess(t *testing.T, label, what string, run func(args ...string) (int, string, error), args ...string) (int, error) {
	for runs := 1; ; runs++ {
		code, out, err := run(args...)
		switch {
		case err != nil:
			return runs, fmt.Errorf("%s: %s %d: %w", label, what, runs, err)
		case code == 0:
			return runs, nil
		}
		t.Logf("%s: %s %d failed under faults (run again):\n%s", label, what, runs, errorLines(out))
		if runs == maxRuns {
			return runs, fmt.Errorf("%s: %s did not converge in %d runs", label, what, maxRuns)
		}
	}
}

// planEmpty runs `plan -detailed-exitcode` until it succeeds, at most
// maxRuns times: exit 1 (a failure under faults) is retried, exit 2 (changes)
// is an error at once, with the plan, which shows no secret (they are
// sensitive). It may run on any goroutine.
func planEmpty(t *testing.T, label string, run func(args ...string) (int, string, error)) error {
	for attempt := 1; attempt <= maxRuns; attempt++ {
		code, out, err := run("plan", "-detailed-exitcode", "-input=false")
		switch {
		case err != nil:
			return fmt.Errorf("%s: plan %d: %w", label, attempt, err)
		case code == 0:
			return nil
		case code == 2:
			return fmt.Errorf("%s: the plan after apply has changes:\n%s", label, out)
		}
		t.Logf("%s: plan %d failed under faults (run again):\n%s", label, attempt, errorLines(out))
	}
	return fmt.Errorf("%s: no plan succeeded in %d runs", label, maxRuns)
}

// totalRequests is the number of requests the emulator has recorded.
func totalRequests(emu *emulator.Server) int {
	n := 0
	for _, c := range emu.RequestCounts() {
		n += c
	}
	return n
}

// firstJSON returns the first line of out that starts a JSON object: the CLI
// prints the dev_overrides warning on stderr, which shares the buffer.
func firstJSON(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "{") {
			return line
		}
	}
	return out
}

// errorLines keeps the "Error:" lines of a command's output and the line
// after each, enough to say what failed without the whole plan.
func errorLines(out string) string {
	lines := strings.Split(out, "\n")
	var b strings.Builder
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "Error:") {
			b.WriteString("  " + strings.TrimSpace(line))
			for j := i + 1; j < len(lines) && j <= i+4; j++ {
				if s := strings.TrimSpace(lines[j]); s != "" && !strings.HasPrefix(s, "with ") && !strings.HasPrefix(s, "on ") {
					b.WriteString(" | " + s)
				}
			}
			b.WriteString("\n")
		}
	}
	if b.Len() == 0 {
		return "  (no Error: line)"
	}
	return b.String()
}

func formatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	total := 0
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
		total += m[k]
	}
	return fmt.Sprintf("%d (%s)", total, strings.Join(parts, " "))
}
