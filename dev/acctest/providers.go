package acctest

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// BuildProviders builds both providers from this checkout into work and
// writes a CLI configuration whose dev_overrides take them from that build,
// headed by comment; it returns the configuration's path (TF_CLI_CONFIG_FILE
// of the whole-system tests that run the CLI themselves).
func BuildProviders(t *testing.T, work, comment string) string {
	t.Helper()
	root, err := tfrun.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	build := tfrun.Build{Root: root, OutDir: filepath.Join(work, "build"), ProvidersDir: filepath.Join(work, "providers")}
	var buildOut bytes.Buffer
	if err := build.Run(t.Context(), &buildOut); err != nil {
		t.Fatalf("building the providers: %v\n%s", err, buildOut.String())
	}
	cliCfg := filepath.Join(work, "terraformrc")
	if _, err := tfrun.WriteCLIConfig(cliCfg, build.ProvidersDir, comment+": providers from this checkout"); err != nil {
		t.Fatal(err)
	}
	return cliCfg
}

// SharedProviders builds both providers once per test binary, for a package
// whose tests all use the same build: the first CLIConfig builds them into a
// temporary directory, the others reuse it (and fail at once if that build
// failed). The package's TestMain passes Cleanup to Main.
type SharedProviders struct {
	Comment string // the CLI configuration's comment, e.g. the package name

	once      sync.Once
	dir       string
	cliConfig string
}

// CLIConfig returns the TF_CLI_CONFIG_FILE whose dev_overrides take both
// providers from the shared build, building them on the first call.
func (s *SharedProviders) CLIConfig(t *testing.T) string {
	t.Helper()
	s.once.Do(func() {
		dir, err := os.MkdirTemp("", "acctest-providers") //nolint:usetesting // the build outlives the first test (t.TempDir would go with it); Cleanup removes it
		if err != nil {
			t.Fatal(err)
		}
		s.dir = dir
		s.cliConfig = BuildProviders(t, dir, s.Comment)
	})
	if s.cliConfig == "" {
		t.Fatal("building the providers failed in an earlier test")
	}
	return s.cliConfig
}

// Cleanup removes the shared build.
func (s *SharedProviders) Cleanup() {
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}
