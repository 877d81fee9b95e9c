// Package acctest is the acceptance-test harness shared by both providers:
// it finds the Terraform (or OpenTofu) CLI the tests run, without ever letting
// terraform-plugin-testing download one, and starts the project's API
// emulator on loopback for each test.
package acctest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// EnvTerraformPath is terraform-plugin-testing's variable naming the CLI to run.
const EnvTerraformPath = "TF_ACC_TERRAFORM_PATH"

// CLI describes the Terraform-compatible CLI the acceptance tests run.
type CLI struct {
	Path     string
	Product  string // "terraform" or "tofu"
	Version  *version.Version
	problems string // why no CLI could be found, when Path is ""
}

var (
	cliOnce sync.Once
	cli     CLI
)

// Main is the TestMain of every package with acceptance tests. It finds the
// CLI, points terraform-plugin-testing at it (TF_ACC_TERRAFORM_PATH) so it
// never tries to download one, enables acceptance tests (TF_ACC=1) and
// isolates the tests from the user's CLI configuration. cleanups run after
// the tests, before the process exits.
func Main(m *testing.M, cleanups ...func()) {
	c := FindCLI()
	if c.Path != "" {
		_ = os.Setenv(EnvTerraformPath, c.Path)
		if os.Getenv("TF_ACC") == "" {
			_ = os.Setenv("TF_ACC", "1")
		}
		if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
			// Test configurations declare the providers as users do:
			// source = "externalsupport/<name>".
			_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "externalsupport")
		}
		if c.Product == "tofu" && os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
			// OpenTofu resolves provider names against its own registry host.
			_ = os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
		}
	}
	cleanup := isolateCLIConfig()
	code := m.Run()
	cleanup()
	for _, f := range cleanups {
		f()
	}
	os.Exit(code)
}

// isolateCLIConfig points TF_CLI_CONFIG_FILE at an empty file so that a
// user's dev_overrides, credentials or plugin cache cannot change what the
// tests exercise.
func isolateCLIConfig() func() {
	dir, err := os.MkdirTemp("", "acctest-cli-config")
	if err != nil {
		return func() {}
	}
	file := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(file, nil, 0o600); err == nil {
		_ = os.Setenv("TF_CLI_CONFIG_FILE", file)
	}
	return func() { _ = os.RemoveAll(dir) }
}

// FindCLI locates the CLI, in this order: TF_ACC_TERRAFORM_PATH; terraform or
// tofu on PATH; terraform or tofu under .tools/bin of the repository (where
// `make cli`, scripts/ensure-cli.sh, puts the Terraform it builds when no CLI
// is installed, or OpenTofu with CLI_PREFER=tofu).
func FindCLI() CLI {
	cliOnce.Do(func() { cli = findCLI() })
	return cli
}

func findCLI() CLI {
	var problems []string
	var candidates []string
	if p := os.Getenv(EnvTerraformPath); p != "" {
		candidates = append(candidates, p)
	} else {
		for _, name := range []string{"terraform", "tofu"} {
			if p, err := exec.LookPath(name); err == nil {
				candidates = append(candidates, p)
			}
		}
		if root, err := repoRoot(); err == nil {
			for _, name := range []string{"terraform", "tofu"} {
				candidates = append(candidates, filepath.Join(root, ".tools", "bin", name))
			}
		}
	}
	for _, p := range candidates {
		c, err := probeCLI(p)
		if err == nil {
			return c
		}
		problems = append(problems, err.Error())
	}
	if len(problems) == 0 {
		problems = append(problems, "no terraform or tofu on PATH or in .tools/bin")
	}
	return CLI{problems: strings.Join(problems, "; ")}
}

var versionPattern = regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\S+)`)

func probeCLI(path string) (CLI, error) {
	if _, err := os.Stat(path); err != nil {
		return CLI{}, fmt.Errorf("%s: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return CLI{}, fmt.Errorf("%s version: %w", path, err)
	}
	m := versionPattern.FindStringSubmatch(out.String())
	if m == nil {
		return CLI{}, fmt.Errorf("%s version: unrecognised output %q", path, firstLine(out.String()))
	}
	v, err := version.NewVersion(m[2])
	if err != nil {
		return CLI{}, fmt.Errorf("%s version: %w", path, err)
	}
	product := "terraform"
	if m[1] == "OpenTofu" {
		product = "tofu"
	}
	return CLI{Path: path, Product: product, Version: v}, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found")
		}
		dir = parent
	}
}

// PreCheck fails the test when no CLI was found, saying how to get one.
func PreCheck(t *testing.T) {
	t.Helper()
	if c := FindCLI(); c.Path == "" {
		t.Fatalf("no Terraform-compatible CLI found (%s). Run `make cli` to get one "+
			"(it builds Terraform from the Go module proxy into .tools/bin when no terraform or tofu is installed; "+
			"CLI_PREFER=tofu builds OpenTofu), or set %s to the path of a terraform or tofu binary.", c.problems, EnvTerraformPath)
	}
}
