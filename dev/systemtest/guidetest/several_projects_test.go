package guidetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// shared is the providers' build, once per test binary.
var shared = acctest.SharedProviders{Comment: "guidetest"}

func TestMain(m *testing.M) { acctest.Main(m, shared.Cleanup) }

// guideDir is the guide's examples, from this package's directory.
const guideDir = "../../../examples/jelou/guides/several-projects"

// The projects the examples manage, and their webhook URLs.
var projects = map[string]string{
	"acme-sales":   "https://support.example.com/webhooks/jelou/sales",
	"acme-support": "https://support.example.com/webhooks/jelou/support",
}

// commandTimeout bounds one CLI command.
const commandTimeout = 5 * time.Minute

// run is one example configuration, run against its own emulator, which binds
// a random key to each project.
type run struct {
	t    *testing.T
	cli  string
	cfg  string
	dir  string
	emu  *emulator.Server
	keys map[string]string // project id → key
	vars map[string]any    // TF_VAR_ values, JSON-encoded when not strings
}

func newRun(t *testing.T, example string) *run {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the providers and runs a Terraform CLI")
	}
	acctest.PreCheck(t)
	t.Parallel()
	cfg := shared.CLIConfig(t)
	keys := map[string]string{}
	for p := range projects {
		keys[p] = acctest.RandomName("key-" + p + "-")
	}
	// The whole guide tree: the examples use ../modules.
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(guideDir)); err != nil {
		t.Fatal(err)
	}
	return &run{
		t: t, cli: acctest.FindCLI().Path, cfg: cfg, dir: filepath.Join(work, example),
		emu:  acctest.StartEmulator(t, func(o *emulator.Options) { o.JelouProjectKeys = keys }),
		keys: keys,
		vars: map[string]any{"jelou_api_keys": keys},
	}
}

// result is one finished command: exit code and output, stdout then stderr.
type result struct {
	code int
	out  string
}

// command runs the CLI in the example's directory; apiKeys overrides the
// keys the configuration gets (nil: the right ones).
func (r *run) command(apiKeys map[string]string, args ...string) result {
	r.t.Helper()
	env := []string{"JELOU_BASE_URL=" + r.emu.JelouURL()}
	for name, v := range r.vars {
		if name == "jelou_api_keys" && apiKeys != nil {
			v = apiKeys
		}
		s, ok := v.(string)
		if !ok {
			b, err := json.Marshal(v)
			if err != nil {
				r.t.Fatal(err)
			}
			s = string(b)
		}
		env = append(env, "TF_VAR_"+name+"="+s)
	}
	ctx, cancel := context.WithTimeout(r.t.Context(), commandTimeout)
	defer cancel()
	var out bytes.Buffer
	_, err := tfrun.Command{
		Name: tfrun.DisplayName(r.cli) + " " + args[0], Path: r.cli, Args: append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...),
		Dir: r.dir, Env: tfrun.Env(r.cfg, env...), Stdout: &out, Stderr: &out,
	}.Run(ctx)
	res := result{out: out.String()}
	var exit *tfrun.ExitError
	switch {
	case errors.As(err, &exit):
		res.code = exit.Code
	case err != nil:
		r.t.Fatalf("%s: %v", args[0], err)
	}
	for p, k := range r.keys {
		if strings.Contains(res.out, k) {
			r.t.Fatalf("%s printed the API key of project %s", args[0], p)
		}
	}
	return res
}

// must runs a command that has to exit with code.
func (r *run) must(code int, apiKeys map[string]string, args ...string) result {
	r.t.Helper()
	res := r.command(apiKeys, args...)
	if res.code != code {
		r.t.Fatalf("%s exited with %d, want %d:\n%s", strings.Join(args, " "), res.code, code, res.out)
	}
	return res
}

// checkIntegrations fails unless the emulator holds exactly the integrations
// of want (project id → webhook URL), each created with its project's key.
func (r *run) checkIntegrations(want map[string]string) {
	r.t.Helper()
	got := map[string]string{}
	for _, in := range r.emu.JelouIntegrations() {
		got[in.BrainID] = in.WebhookURL
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		r.t.Fatalf("the emulator holds integrations %v, want %v", got, want)
	}
	lastCreate := map[string]string{}
	for _, req := range r.emu.Requests() {
		if req.Method == "POST" {
			lastCreate[strings.TrimPrefix(req.Path, "/jelou/v1/external-support/")] = req.Header.Get("x-api-key")
		}
	}
	for p := range want {
		if lastCreate[p] != r.keys[p] {
			r.t.Errorf("the integration of %s was not created with that project's key", p)
		}
	}
}

// swapped is the keys with the two projects' keys exchanged.
func (r *run) swapped() map[string]string {
	return map[string]string{"acme-sales": r.keys["acme-support"], "acme-support": r.keys["acme-sales"]}
}

// diagnosticPattern matches the provider's diagnostic for a key of another
// project, once the CLI's box drawing and line wrapping are taken out: the
// credential settings to check, then the project they were refused for.
func diagnosticPattern(project string) *regexp.Regexp {
	return regexp.MustCompile(`HTTP 401 Unauthorized\. .*set api_key \(JELOU_API_KEY\) to the Jelou project's API key, ` +
		`or client_id and client_secret \(JELOU_CLIENT_ID, JELOU_CLIENT_SECRET\).* ` +
		`Jelou refused the credentials for project "` + regexp.QuoteMeta(project) + `"\. A Jelou API key belongs to one project`)
}

// flatten removes the box drawing CLIs put around diagnostics and joins
// wrapped lines, so that patterns do not depend on one CLI's layout.
func flatten(out string) string {
	out = strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(out)
	return strings.Join(strings.Fields(out), " ")
}

// lifecycle is what every example goes through: apply with each project's
// key, an empty plan, a plan with the projects' keys exchanged that fails
// naming a project and the credential settings and changes nothing, and
// destroy.
func (r *run) lifecycle(modules bool) {
	r.t.Helper()
	if modules {
		// Installs the local modules; the providers come from dev_overrides,
		// which terraform init would try to look up in the registry.
		r.must(0, nil, "get")
	}
	r.must(0, nil, "apply", "-auto-approve", "-input=false")
	r.checkIntegrations(projects)
	r.must(0, nil, "plan", "-detailed-exitcode", "-input=false")

	res := r.must(1, r.swapped(), "plan", "-input=false")
	flat := flatten(res.out)
	if !diagnosticPattern("acme-sales").MatchString(flat) && !diagnosticPattern("acme-support").MatchString(flat) {
		r.t.Fatalf("a plan with the keys exchanged did not name the project and the credential settings:\n%s", res.out)
	}
	r.checkIntegrations(projects)

	r.must(0, nil, "destroy", "-auto-approve", "-input=false")
	r.checkIntegrations(map[string]string{})
}

// Provider aliases, one key each (Terraform and OpenTofu).
func TestSeveralProjects_aliases(t *testing.T) {
	newRun(t, "aliases").lifecycle(false)
}

// A module per project, each handed its project's provider configuration
// (Terraform and OpenTofu).
func TestSeveralProjects_modulePerProject(t *testing.T) {
	newRun(t, "module-per-project").lifecycle(true)
}

// for_each on the provider block, keys from a map variable (OpenTofu 1.9+);
// then a project is retired the way the example says: managed = false, apply,
// then out of the map.
func TestSeveralProjects_forEach(t *testing.T) {
	if why := acctest.Lacks(acctest.FeatureProviderForEach); why != "" {
		t.Skip(why)
	}
	r := newRun(t, "for-each")
	all := map[string]any{}
	for p, url := range projects {
		all[p] = map[string]any{"webhook_url": url}
	}
	r.vars["projects"] = all
	r.lifecycle(true)

	r.must(0, nil, "apply", "-auto-approve", "-input=false")
	r.checkIntegrations(projects)
	r.vars["projects"] = map[string]any{
		"acme-sales":   all["acme-sales"],
		"acme-support": map[string]any{"webhook_url": projects["acme-support"], "managed": false},
	}
	r.must(0, nil, "apply", "-auto-approve", "-input=false")
	r.checkIntegrations(map[string]string{"acme-sales": projects["acme-sales"]})
	r.vars["projects"] = map[string]any{"acme-sales": all["acme-sales"]}
	r.must(0, nil, "apply", "-auto-approve", "-input=false")
	r.must(0, nil, "plan", "-detailed-exitcode", "-input=false")
	r.checkIntegrations(map[string]string{"acme-sales": projects["acme-sales"]})
	r.must(0, nil, "destroy", "-auto-approve", "-input=false")
	r.checkIntegrations(map[string]string{})
}
