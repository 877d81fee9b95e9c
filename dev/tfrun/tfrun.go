// Package tfrun runs a Terraform-compatible CLI (terraform or tofu) against
// the providers built from this checkout, in isolation from the user's own
// Terraform settings. It is what `make demo` and `make bench` share:
//
//   - Build compiles the provider binary and installs it as
//     terraform-provider-jelou and terraform-provider-jurichat;
//   - WriteCLIConfig writes a CLI configuration whose dev_overrides take both
//     providers from that build (no registry, no terraform init);
//   - Env is the environment of a Terraform command: the user's, without any
//     TF_*, provider credential or logging variable, plus TF_CLI_CONFIG_FILE;
//   - Command runs a child in its own process group, interrupting it (then
//     killing it after StopGrace) when its context is cancelled;
//   - EnsureCLI and Version find the CLI and name it.
package tfrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// ModulePath is this repository's Go module.
const ModulePath = "github.com/externalsupport/terraform-provider-externalsupport"

// Providers are the providers the binary serves, by the names Terraform gives them.
var Providers = []string{"jelou", "jurichat"}

// exe is the executable suffix of the platform.
func exe() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// Executable is the file name of the executable built from the main package
// named name (e.g. "receiver" → "receiver" or "receiver.exe").
func Executable(name string) string { return name + exe() }

// FindRoot finds this module's root from the working directory upwards.
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module "+ModulePath+"\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run this inside the repository (no go.mod of %s above the working directory)", ModulePath)
		}
		dir = parent
	}
}

// FindGo returns the go command on PATH.
func FindGo() (string, error) {
	p, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("the go command is not on PATH: install Go 1.26 (https://go.dev/dl/) and try again")
	}
	return p, nil
}

// Build is one `go build` of the provider binary (the module's main package)
// and, optionally, other main packages of the module.
type Build struct {
	Root         string   // module root, where go build runs
	OutDir       string   // go build -o OutDir/: the provider binary and one executable per Extra package
	ProvidersDir string   // receives a copy of the provider binary per provider: terraform-provider-jelou, -jurichat
	Extra        []string // more main packages, e.g. "./dev/cmd/receiver"
}

// Args is the go command line after "go".
func (b Build) Args() []string {
	return append([]string{"build", "-trimpath", "-o", b.OutDir + string(os.PathSeparator), "."}, b.Extra...)
}

// ProviderPath is where Run installs the provider named name.
func (b Build) ProviderPath(name string) string {
	return filepath.Join(b.ProvidersDir, Executable("terraform-provider-"+name))
}

// Run builds, with go build's output to out, and installs the providers.
func (b Build) Run(ctx context.Context, out io.Writer) error {
	goBin, err := FindGo()
	if err != nil {
		return err
	}
	if _, err := (Command{Name: "go build", Path: goBin, Args: b.Args(), Dir: b.Root, Env: os.Environ(), Stdout: out, Stderr: out}).Run(ctx); err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(b.OutDir, Executable(filepath.Base(ModulePath))))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(b.ProvidersDir, 0o755); err != nil {
		return err
	}
	for _, p := range Providers {
		if err := os.WriteFile(b.ProviderPath(p), data, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// WriteCLIConfig writes to file a CLI configuration whose dev_overrides take
// every provider (and the extra ones named, also externalsupport/NAME) from
// providersDir, headed by comment (one line, "# " added), and returns what it
// wrote.
func WriteCLIConfig(file, providersDir, comment string, extra ...string) (string, error) {
	var b strings.Builder
	b.WriteString("# " + comment + "\nprovider_installation {\n  dev_overrides {\n")
	for _, p := range append(slices.Clone(Providers), extra...) {
		fmt.Fprintf(&b, "    %-26s = %s\n", strconv.Quote("externalsupport/"+p), strconv.Quote(providersDir))
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String(), os.WriteFile(file, []byte(b.String()), 0o644)
}

// InheritedEnv is environ without anything that could change what Terraform,
// the providers or the demo's receiver do: the user's CLI configuration,
// variables, credentials for the real APIs, logging (which could print
// secrets) and extra CLI arguments.
func InheritedEnv(environ []string) []string {
	dropPrefixes := []string{"TF_", "TOFU_", "JELOU_", "JURICHAT_", "RECEIVER_"}
	dropExact := map[string]bool{"TERRAFORM_CONFIG": true, "CHECKPOINT_DISABLE": true}
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		drop := dropExact[upper]
		for _, p := range dropPrefixes {
			if strings.HasPrefix(upper, p) {
				drop = true
			}
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// Env is the environment of a Terraform command: this process's, filtered by
// InheritedEnv, with the CLI configuration cliConfig, no version checkpoint,
// automation mode and no prompts; then extra ("NAME=value").
func Env(cliConfig string, extra ...string) []string {
	env := append(InheritedEnv(os.Environ()),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	return append(env, extra...)
}

// DisplayName is how a CLI is called in messages: "terraform" or "tofu".
func DisplayName(cli string) string { return strings.TrimSuffix(filepath.Base(cli), ".exe") }

// EnsureCLI runs root/scripts/ensure-cli.sh (root "": the working
// directory), which prints the path of a Terraform-compatible CLI, building
// Terraform when there is none; its messages go to stderr.
func EnsureCLI(ctx context.Context, root string, stderr io.Writer) (string, error) {
	if root == "" {
		root = "."
	}
	script := filepath.Join(root, "scripts", "ensure-cli.sh")
	cmd := exec.CommandContext(ctx, script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s found no Terraform CLI: %w (or pass -terraform PATH)", script, err)
	}
	return strings.TrimSpace(out.String()), nil
}

// Version runs `cli version` in dir with env and returns the first line of
// its output, e.g. "Terraform v1.11.4" ("unknown version" if it printed nothing).
func Version(ctx context.Context, cli, dir string, env []string) (string, error) {
	var out bytes.Buffer
	_, err := Command{Name: DisplayName(cli) + " version", Path: cli, Args: []string{"version"}, Dir: dir, Env: env, Stdout: &out, Stderr: &out}.Run(ctx)
	if err != nil {
		return "", err
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out.String()), "\n")
	if id == "" {
		id = "unknown version"
	}
	return id, nil
}
