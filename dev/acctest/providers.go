package acctest

import (
	"bytes"
	"path/filepath"
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
