package quickstart

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "quickstart-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	copyDir = dir
	acctest.Main(m, func() { _ = os.RemoveAll(dir) })
}

// The sample credentials quickstart-env exports for the example's variables:
// they must not reach Terraform's output.
var sampleSecrets = []string{"quickstart-panel-token", "quickstart-crm-token"}

// TestQuickstart runs the README's block as one bash script, after a first
// make quickstart, so that the block's own make quickstart shows the reuse of
// a running emulator. It asserts on what the emulator received (its request
// log) and that nothing is left running.
func TestQuickstart(t *testing.T) {
	q := newCheckout(t)

	out := q.run(t, "make quickstart")
	if !strings.Contains(out, "Started the emulator on "+q.url+" (pid ") {
		t.Fatalf("make quickstart did not say it started the emulator on %s:\n%s", q.url, out)
	}
	pid, err := os.ReadFile(filepath.Join(q.dir, ".quickstart", "emulator.pid"))
	if err != nil {
		t.Fatalf("make quickstart left no pid file: %v", err)
	}

	block := readmeBlock(t, q.dir)
	out = q.run(t, block)

	if want := "already running on " + q.url + " (pid " + strings.TrimSpace(string(pid)) + "): reusing it"; !strings.Contains(out, want) {
		t.Errorf("the second make quickstart did not say %q", want)
	}
	// After make quickstart's own lines (which show the export lines), the
	// CLI's output holds neither sample credential.
	i := strings.LastIndex(out, "CLI on PATH: ")
	if i < 0 {
		t.Fatalf("make quickstart did not name the CLI on PATH:\n%s", out)
	}
	for _, s := range sampleSecrets {
		if strings.Contains(out[i:], s) {
			t.Errorf("the CLI's output shows the credential %q", s)
		}
	}
	// The child module's checks: three secrets, each signing and verifying.
	for _, fact := range []string{"signature_verifies", "tampered_body_rejected"} {
		if n := len(regexp.MustCompile(`"?`+fact+`"?\s*=\s*true`).FindAllString(out, -1)); n < 3 {
			t.Errorf("%s = true appears %d times in the apply's outputs, want 3 (one per secret)", fact, n)
		}
	}
	if regexp.MustCompile(`(signature_verifies|tampered_body_rejected)"?\s*=\s*false`).MatchString(out) {
		t.Error("a signing check is false")
	}
	if !strings.Contains(out, "Stopped the quickstart emulator (pid "+strings.TrimSpace(string(pid))+")") {
		t.Error("make quickstart-stop did not say it stopped the emulator")
	}

	// What the emulator received: one integration and two webhooks created,
	// and all three deleted.
	log, err := os.ReadFile(filepath.Join(q.dir, ".quickstart", "emulator.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		pattern string
		n       int
	}{
		{`POST /jelou/v1/external-support/quickstart-project 20\d`, 1},
		{`DELETE /jelou/v1/external-support/quickstart-project 20\d`, 1},
		{`POST /jurichat/webhooks 20\d`, 2},
		{`DELETE /jurichat/webhooks/\S+ 20\d`, 2},
	} {
		if n := len(regexp.MustCompile(`(?m) `+c.pattern+` \S+$`).FindAll(log, -1)); n != c.n {
			t.Errorf("the emulator logged %d requests %q, want %d", n, c.pattern, c.n)
		}
	}

	// Nothing is left running, and stopping again is harmless.
	if _, err := os.Stat(filepath.Join(q.dir, ".quickstart", "emulator.pid")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the pid file is still there (%v)", err)
	}
	if c, err := net.DialTimeout("tcp", q.addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after make quickstart-stop", q.addr)
	}
	if out := q.run(t, "make quickstart-stop"); !strings.Contains(out, "No quickstart emulator is running.") {
		t.Errorf("a second make quickstart-stop said:\n%s", out)
	}
	if out, err := q.try(`eval "$(make -s quickstart-env)"`); err == nil || !strings.Contains(out, "no quickstart emulator is running") {
		t.Errorf("make -s quickstart-env with no emulator running: %v\n%s", err, out)
	}
}

// TestQuickstartPortTaken: a port held by another process is named, and
// nothing is left behind.
func TestQuickstartPortTaken(t *testing.T) {
	q := newCheckout(t)
	ln, err := net.Listen("tcp", q.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	out, err := q.try("make quickstart")
	if err == nil {
		t.Fatalf("make quickstart succeeded with port %d taken:\n%s", q.port, out)
	}
	if want := fmt.Sprintf("port %d on 127.0.0.1 is taken by another process", q.port); !strings.Contains(out, want) {
		t.Errorf("make quickstart did not say %q:\n%s", want, out)
	}
	if _, err := os.Stat(filepath.Join(q.dir, ".quickstart", "emulator.pid")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a pid file was left behind (%v)", err)
	}
}

// checkout is a copy of this checkout with a port of its own for the
// quickstart's emulator (QUICKSTART_PORT), so that neither a developer's own
// quickstart nor another test run meets it.
type checkout struct {
	dir, addr, url string
	port           int
	env            []string
}

var (
	copyDir  string // made by TestMain; the copy is made on first use
	copyOnce sync.Once
	copyErr  error
)

// newCheckout copies the checkout once per test binary (the quickstart's
// state lives in the copy's .quickstart/) and gives each test a free port.
func newCheckout(t *testing.T) *checkout {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the providers and the emulator and runs a Terraform CLI")
	}
	acctest.PreCheck(t)
	copyOnce.Do(func() {
		root, err := tfrun.FindRoot()
		if err != nil {
			copyErr = err
			return
		}
		copyErr = copySource(root, copyDir)
	})
	if copyErr != nil {
		t.Fatal(copyErr)
	}
	port := freePort(t)
	q := &checkout{dir: copyDir, port: port, addr: "127.0.0.1:" + strconv.Itoa(port)}
	q.url = "http://" + q.addr

	// The README says terraform: the suite's CLI under that name, first on PATH.
	bin := t.TempDir()
	if err := os.Symlink(acctest.FindCLI().Path, filepath.Join(bin, "terraform")); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "PATH", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "QUICKSTART_PORT", "QUICKSTART_LIFETIME":
			continue // a user's shell, not the make running the suite
		}
		q.env = append(q.env, kv)
	}
	q.env = append(q.env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"QUICKSTART_PORT="+strconv.Itoa(port), "QUICKSTART_LIFETIME=15m", "CHECKPOINT_DISABLE=1")
	t.Cleanup(func() {
		// Whatever happened, the emulator does not outlive the test.
		cmd := exec.Command("./scripts/quickstart.sh", "stop")
		cmd.Dir, cmd.Env = q.dir, q.env
		_ = cmd.Run()
	})
	return q
}

// try runs script with bash -eu -o pipefail in the copy, as a user's shell would.
func (q *checkout) try(script string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = q.dir, q.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (q *checkout) run(t *testing.T, script string) string {
	t.Helper()
	out, err := q.try(script)
	if err != nil {
		t.Fatalf("%s\nfailed: %v\n%s", script, err, out)
	}
	return out
}

// readmeBlock is the first sh block of the README's "Try it locally".
func readmeBlock(t *testing.T, dir string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Try it locally\n")
	if !ok {
		t.Fatal(`README.md has no "## Try it locally" section`)
	}
	_, block, ok := strings.Cut(section, "```sh\n")
	if !ok {
		t.Fatal(`README.md's "Try it locally" has no sh block`)
	}
	block, _, _ = strings.Cut(block, "```")
	if !strings.Contains(block, "make quickstart-stop") {
		t.Fatalf("the README's quickstart block does not stop the emulator:\n%s", block)
	}
	return block
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// copySource copies the checkout's sources into dst, leaving out what is not
// source: git's data, tools, builds, release output, and CLI working state.
func copySource(root, dst string) error {
	skipTop := map[string]bool{".git": true, ".tools": true, ".quickstart": true, "bin": true, "dist": true, "dist.tmp": true, "mirror": true}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		name := d.Name()
		switch {
		case rel == ".":
			return nil
		case d.IsDir() && (skipTop[rel] || name == ".terraform"):
			return filepath.SkipDir
		case strings.HasPrefix(name, "terraform.tfstate") || name == ".terraform.lock.hcl" || strings.HasSuffix(name, ".test"):
			return nil
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case info.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, info.Mode().Perm())
		}
		return nil
	})
}
