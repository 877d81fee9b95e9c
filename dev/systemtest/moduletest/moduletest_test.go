package moduletest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// shared is the providers' build, once per test binary.
var shared = acctest.SharedProviders{Comment: "moduletest"}

func TestMain(m *testing.M) { acctest.Main(m, shared.Cleanup) }

// commandTimeout bounds one CLI command.
const commandTimeout = 5 * time.Minute

// example is one guide example directory: the module and its tests/.
type example struct {
	t   *testing.T
	cli string
	cfg string
	dir string // a fresh copy of the example
}

func newExample(t *testing.T, provider string) *example {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the providers and runs a Terraform CLI")
	}
	acctest.SkipUnless(t, acctest.FeatureMockProvider)
	acctest.SkipUnless(t, acctest.FeatureFunctions)
	t.Parallel()
	cfg := shared.CLIConfig(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("../../../examples", provider, "guides/testing-your-modules"))); err != nil {
		t.Fatal(err)
	}
	return &example{t: t, cli: acctest.FindCLI().Path, cfg: cfg, dir: dir}
}

// run runs the CLI in the example's directory with env added and returns
// its output, failing the test unless it exits 0. secrets must not appear
// in the output.
func (e *example) run(env []string, secrets func() []string, args ...string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), commandTimeout)
	defer cancel()
	var out bytes.Buffer
	_, err := tfrun.Command{
		Name: tfrun.DisplayName(e.cli) + " " + args[0], Path: e.cli, Args: append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...),
		Dir: e.dir, Env: tfrun.Env(e.cfg, env...), Stdout: &out, Stderr: &out,
	}.Run(ctx)
	if secrets != nil {
		for _, s := range secrets() {
			if s != "" && strings.Contains(out.String(), s) {
				e.t.Fatalf("%s printed a secret", strings.Join(args, " "))
			}
		}
	}
	var exit *tfrun.ExitError
	switch {
	case errors.As(err, &exit):
		e.t.Fatalf("%s exited with %d:\n%s", strings.Join(args, " "), exit.Code, out.String())
	case err != nil:
		e.t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	return out.String()
}

// summary matches the last line of terraform test and tofu test, such as
// "Success! 3 passed, 0 failed.".
var summary = regexp.MustCompile(`(\d+) passed, (\d+) failed`)

// runBlock matches the first line of a run block in a test file.
var runBlock = regexp.MustCompile(`(?m)^run "`)

// test runs one test file and fails unless every one of its run blocks
// passed (a skipped run is a failure too).
func (e *example) test(file string, env []string, secrets func() []string) {
	e.t.Helper()
	src, err := os.ReadFile(filepath.Join(e.dir, file))
	if err != nil {
		e.t.Fatal(err)
	}
	want := len(runBlock.FindAll(src, -1))
	if want == 0 {
		e.t.Fatalf("%s has no run block", file)
	}
	out := e.run(env, secrets, "test", "-filter="+file)
	m := summary.FindAllStringSubmatch(out, -1)
	if len(m) == 0 {
		e.t.Fatalf("no summary in the output of terraform test:\n%s", out)
	}
	last := m[len(m)-1]
	if passed, _ := strconv.Atoi(last[1]); passed != want || last[2] != "0" {
		e.t.Fatalf("%s: %s passed and %s failed, want %d passed:\n%s", file, last[1], last[2], want, out)
	}
}

// watch polls the emulator while a command runs and collects what it held:
// the objects' ids and secrets (to prove they existed and were never printed).
type watch struct {
	mu      sync.Mutex
	ids     map[string]bool
	secrets map[string]bool
	stop    chan struct{}
	done    chan struct{}
}

func startWatch(poll func(add func(id, secret string))) *watch {
	w := &watch{ids: map[string]bool{}, secrets: map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	add := func(id, secret string) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.ids[id], w.secrets[secret] = true, true
	}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			poll(add)
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

func (w *watch) Stop() {
	close(w.stop)
	<-w.done
}

func (w *watch) seen() (ids, secrets []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id := range w.ids {
		ids = append(ids, id)
	}
	for s := range w.secrets {
		secrets = append(secrets, s)
	}
	return ids, secrets
}

// checkRoutes fails unless the emulator received exactly want requests on
// each route named (others are not checked).
func checkRoutes(t *testing.T, emu *emulator.Server, want map[string]int) {
	t.Helper()
	got := emu.RouteCounts()
	for route, n := range want {
		if got[route] != n {
			t.Errorf("route %s received %d requests, want %d (all: %v)", route, got[route], n, got)
		}
	}
}

// closedURL is a base URL nothing listens on: the mock tests must not need an API.
const closedURL = "http://127.0.0.1:1"

// The Jelou module's mock_provider tests: no API, no credentials. terraform
// get first, as the guide says: every test file is loaded even with -filter,
// and the emulator file's helper module must be installed (Terraform 1.11
// reports it as a "Provider type mismatch" otherwise).
func TestTestingYourModules_jelouMock(t *testing.T) {
	e := newExample(t, "jelou")
	e.run(nil, nil, "get")
	e.test("tests/unit.tftest.hcl", []string{"JELOU_BASE_URL=" + closedURL}, nil)
}

// The JuriChat module's mock_provider tests: no API, no credentials.
func TestTestingYourModules_jurichatMock(t *testing.T) {
	e := newExample(t, "jurichat")
	e.run(nil, nil, "get")
	e.test("tests/unit.tftest.hcl", []string{"JURICHAT_BASE_URL=" + closedURL}, nil)
}

// The Jelou module's tests against the emulator, as the guide runs them:
// terraform get (the helper module), then terraform test with the base URL
// and key in the environment. The integration exists during the run, is
// created once and updated in place once, and is gone after the automatic
// destroy; neither the key nor the signing secret is printed.
func TestTestingYourModules_jelouEmulator(t *testing.T) {
	e := newExample(t, "jelou")
	key := acctest.RandomName("moduletest-key-")
	emu := acctest.StartEmulator(t, func(o *emulator.Options) { o.JelouAPIKey = key })
	env := []string{"JELOU_BASE_URL=" + emu.JelouURL(), "JELOU_API_KEY=" + key}

	e.run(env, nil, "get")
	w := startWatch(func(add func(id, secret string)) {
		for _, in := range emu.JelouIntegrations() {
			add(in.BrainID+"/"+in.ID, in.SigningSecret)
		}
	})
	secrets := func() []string { _, s := w.seen(); return append(s, key, "not-a-real-token") }
	func() {
		defer w.Stop()
		e.test("tests/emulator.tftest.hcl", env, secrets)
	}()
	if ids, _ := w.seen(); len(ids) != 1 || !strings.HasPrefix(ids[0], "module-test/") {
		t.Errorf("during the run the emulator held integrations %v, want one of project module-test", ids)
	}
	checkRoutes(t, emu, map[string]int{
		emulator.RouteJelouCreate: 1, emulator.RouteJelouUpdate: 1, emulator.RouteJelouRegenerate: 0, emulator.RouteJelouDelete: 1,
	})
	if left := emu.JelouIntegrations(); len(left) != 0 {
		t.Errorf("after terraform test the emulator still holds %d integrations", len(left))
	}
}

// The JuriChat module's tests against the emulator: the webhook exists
// during the run, is created once and updated in place once, and is gone
// after the automatic destroy; neither the token nor the secret is printed.
func TestTestingYourModules_jurichatEmulator(t *testing.T) {
	e := newExample(t, "jurichat")
	token := acctest.RandomName("moduletest-token-")
	emu := acctest.StartEmulator(t, func(o *emulator.Options) { o.JurichatToken = token })
	env := []string{"JURICHAT_BASE_URL=" + emu.JurichatURL(), "JURICHAT_TOKEN=" + token}

	e.run(env, nil, "get")
	w := startWatch(func(add func(id, secret string)) {
		for _, h := range emu.JurichatWebhooks() {
			add(h.ID, h.Secret)
		}
	})
	secrets := func() []string { _, s := w.seen(); return append(s, token, "not-a-real-token") }
	func() {
		defer w.Stop()
		e.test("tests/emulator.tftest.hcl", env, secrets)
	}()
	if ids, _ := w.seen(); len(ids) != 1 {
		t.Errorf("during the run the emulator held webhooks %v, want one", ids)
	}
	checkRoutes(t, emu, map[string]int{
		emulator.RouteJurichatCreate: 1, emulator.RouteJurichatUpdate: 1, emulator.RouteJurichatDelete: 1,
	})
	if left := emu.JurichatWebhooks(); len(left) != 0 {
		t.Errorf("after terraform test the emulator still holds %d webhooks", len(left))
	}
}
