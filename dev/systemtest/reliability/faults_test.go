// Package reliability holds the fault test: both providers, run as real
// processes by a real CLI the way pipelines run them, apply 50
// jelou_external_support and 50 jurichat_webhook against an emulator that
// fails, throttles and drops connections, and must converge with no
// duplicate, no orphan and no lost secret; then rotate every Jelou signing
// secret in place under the same faults, deleting and creating nothing.
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
  project_id  = "fault-project-${count.index}"
  webhook_url = "${var.receiver}/jelou/${count.index}"

  rotate_when_changed = {
    rotation = var.rotation
  }
}

resource "jurichat_webhook" "hook" {
  count  = %[1]d
  name   = "fault-webhook-${count.index}"
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
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), fmt.Appendf(nil, config, resourcesPerKind), 0o600); err != nil {
		t.Fatal(err)
	}
	env := tfrun.Env(cliCfg,
		"JELOU_API_KEY="+opts.JelouAPIKey, "JURICHAT_TOKEN="+opts.JurichatToken,
		"TF_VAR_jelou_base_url="+emu.JelouURL(), "TF_VAR_jurichat_base_url="+emu.JurichatURL(),
		"TF_VAR_receiver=https://receiver.example.com",
	)
	run := func(args ...string) (int, string) {
		var out bytes.Buffer
		cctx, cancel := context.WithTimeout(ctx, commandTimeout)
		defer cancel()
		_, err := tfrun.Command{Name: "terraform " + args[0], Path: cli, Args: append(args, "-no-color"),
			Dir: dir, Env: env, Stdout: &out, Stderr: &out}.Run(cctx)
		var exitErr *tfrun.ExitError
		switch {
		case err == nil:
			return 0, out.String()
		case errors.As(err, &exitErr):
			return exitErr.Code, out.String()
		default:
			t.Fatalf("terraform %s: %v", args[0], err)
			return -1, ""
		}
	}
	f := figures{seed: seed}

	// Apply until it succeeds: every run must leave state and server consistent.
	for f.applies < maxRuns {
		f.applies++
		code, out := run("apply", "-auto-approve", "-input=false")
		if code == 0 {
			break
		}
		t.Logf("seed %d: apply %d failed under faults (run again):\n%s", seed, f.applies, errorLines(out))
		if f.applies == maxRuns {
			t.Fatalf("seed %d: apply did not converge in %d runs", seed, maxRuns)
		}
	}
	checkConverged(t, emu, run, resourcesPerKind)

	// A plan finds nothing to change, even while the faults go on.
	for attempt := 1; attempt <= maxRuns; attempt++ {
		code, out := run("plan", "-detailed-exitcode", "-input=false")
		if code == 0 {
			f.planOK = true
			break
		}
		if code == 2 {
			t.Fatalf("seed %d: the plan after apply has changes:\n%s", seed, out)
		}
		t.Logf("seed %d: plan %d failed under faults (run again):\n%s", seed, attempt, errorLines(out))
	}
	if !f.planOK {
		t.Fatalf("seed %d: no plan succeeded in %d runs", seed, maxRuns)
	}

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
	for f.rotations < maxRuns {
		f.rotations++
		code, out := run("apply", "-auto-approve", "-input=false")
		if code == 0 {
			break
		}
		t.Logf("seed %d: rotation apply %d failed under faults (run again):\n%s", seed, f.rotations, errorLines(out))
		if f.rotations == maxRuns {
			t.Fatalf("seed %d: the rotation did not converge in %d runs", seed, maxRuns)
		}
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

	for f.destroys < maxRuns {
		f.destroys++
		code, out := run("destroy", "-auto-approve", "-input=false")
		if code == 0 {
			break
		}
		t.Logf("seed %d: destroy %d failed under faults (run again):\n%s", seed, f.destroys, errorLines(out))
		if f.destroys == maxRuns {
			t.Fatalf("seed %d: destroy did not converge in %d runs", seed, maxRuns)
		}
	}
	if n, m := len(emu.JelouIntegrations()), len(emu.JurichatWebhooks()); n != 0 || m != 0 {
		t.Errorf("seed %d: after destroy the server still holds %d integrations and %d webhooks", seed, n, m)
	}

	f.faults = emu.FaultCounts()
	for _, n := range emu.RequestCounts() {
		f.requests += n
	}
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
	code, out := run("show", "-json")
	if code != 0 {
		t.Fatalf("terraform show -json failed:\n%s", errorLines(out))
	}
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(firstJSON(out)), &state); err != nil {
		t.Fatalf("reading terraform show -json: %v", err)
	}

	integrations := map[string]emulator.JelouIntegration{}
	for _, in := range emu.JelouIntegrations() {
		if _, dup := integrations[in.BrainID]; dup {
			t.Errorf("duplicate integration on the server for project %s", in.BrainID)
		}
		integrations[in.BrainID] = in
	}
	webhooks := map[string]emulator.JurichatWebhook{}
	names := map[string]int{}
	for _, w := range emu.JurichatWebhooks() {
		webhooks[w.ID] = w
		names[w.Name]++
	}
	for name, n := range names {
		if n > 1 {
			t.Errorf("%d webhooks named %s on the server: a create was duplicated", n, name)
		}
	}

	inState := map[string]bool{}
	var jelouN, juriN int
	for _, r := range state.Values.RootModule.Resources {
		switch r.Type {
		case "jelou_external_support":
			jelouN++
			project, _ := r.Values["project_id"].(string)
			secret, _ := r.Values["signing_secret"].(string)
			in, ok := integrations[project]
			switch {
			case !ok:
				t.Errorf("project %s is in state but has no integration on the server", project)
			case secret == "" || secret != in.SigningSecret:
				t.Errorf("project %s: the signing secret in state (%d characters) is not the server's", project, len(secret))
			}
			inState["jelou/"+project] = true
		case "jurichat_webhook":
			juriN++
			id, _ := r.Values["id"].(string)
			secret, _ := r.Values["secret"].(string)
			w, ok := webhooks[id]
			switch {
			case !ok:
				t.Errorf("webhook %s is in state but not on the server", id)
			case secret == "" || secret != w.Secret:
				t.Errorf("webhook %s: the secret in state (%d characters) is not the server's", id, len(secret))
			}
			inState["jurichat/"+id] = true
		}
	}
	if want >= 0 && (jelouN != want || juriN != want) {
		t.Errorf("state holds %d integrations and %d webhooks, want %d of each", jelouN, juriN, want)
	}
	var orphans []string
	for project := range integrations {
		if !inState["jelou/"+project] {
			orphans = append(orphans, "integration of "+project)
		}
	}
	for id, w := range webhooks {
		if !inState["jurichat/"+id] {
			orphans = append(orphans, "webhook "+w.Name)
		}
	}
	sort.Strings(orphans)
	if len(orphans) > 0 {
		t.Errorf("orphans on the server (not in state): %s", strings.Join(orphans, ", "))
	}
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
