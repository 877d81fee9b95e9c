package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// Workspace runs the real CLI in a directory of its own against providers
// served by the test process (TF_REATTACH_PROVIDERS), for what
// terraform-plugin-testing has no step for: terraform apply -invoke and
// terraform query -generate-config-out.
type Workspace struct {
	Dir string
	t   *testing.T
	env []string
}

// NewWorkspace serves each provider (by name, e.g. "jurichat") in this
// process until the test ends and returns a workspace whose commands use
// them. The CLI is the one FindCLI found.
func NewWorkspace(t *testing.T, providers map[string]func() tfprotov6.ProviderServer) *Workspace {
	t.Helper()
	PreCheck(t)
	ctx, cancel := context.WithCancel(context.Background())
	reattach := map[string]any{}
	var closers []chan struct{}
	for name, factory := range providers {
		configCh := make(chan *plugin.ReattachConfig, 1)
		closeCh := make(chan struct{})
		closers = append(closers, closeCh)
		addr := "registry.terraform.io/externalsupport/" + name
		go func() {
			_ = tf6server.Serve(addr, factory,
				tf6server.WithDebug(ctx, configCh, closeCh),
				tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
				// The provider's logs go where terraform-plugin-testing sends them
				// (TF_LOG, TF_LOG_PATH, TF_ACC_LOG_PATH; nowhere by default).
				tf6server.WithLoggingSink(t))
		}()
		var cfg *plugin.ReattachConfig
		select {
		case cfg = <-configCh:
		case <-time.After(30 * time.Second):
			cancel()
			t.Fatalf("provider %s did not start serving", name)
		}
		entry := map[string]any{
			"Protocol": string(cfg.Protocol), "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": true,
			"Addr": map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
		}
		// Both hosts: Terraform resolves externalsupport/NAME on its registry, OpenTofu on its own.
		reattach[addr] = entry
		reattach["registry.opentofu.org/externalsupport/"+name] = entry
	}
	t.Cleanup(func() {
		cancel()
		for _, c := range closers {
			select {
			case <-c:
			case <-time.After(10 * time.Second):
			}
		}
	})
	raw, err := json.Marshal(reattach)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return &Workspace{Dir: dir, t: t, env: tfrun.Env(cliConfig, "TF_REATTACH_PROVIDERS="+string(raw))}
}

// Write writes a file of the workspace.
func (w *Workspace) Write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// Read returns a file of the workspace.
func (w *Workspace) Read(name string) string {
	w.t.Helper()
	data, err := os.ReadFile(filepath.Join(w.Dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(data)
}

// Run runs the CLI with args in the workspace and returns its output
// (stdout, then stderr) and whether it succeeded.
func (w *Workspace) Run(args ...string) (string, error) {
	w.t.Helper()
	cli := FindCLI()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	_, err := tfrun.Command{
		Name: tfrun.DisplayName(cli.Path) + " " + args[0], Path: cli.Path, Args: args,
		Dir: w.Dir, Env: w.env, Stdout: &stdout, Stderr: &stderr,
	}.Run(ctx)
	return stdout.String() + stderr.String(), err
}

// MustRun is Run, failing the test (with the output) when the command fails.
func (w *Workspace) MustRun(args ...string) string {
	w.t.Helper()
	out, err := w.Run(args...)
	if err != nil {
		w.t.Fatalf("%v\n%s", err, out)
	}
	return out
}
