package doctest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// minValidated is the floor of blocks the CLI must have validated: the
// number Terraform 1.11.4, which lacks the most features, validates (the
// newer CLIs validate more). Lower it only with the docs, never to make a
// failing run pass.
const minValidated = 44

// commandTimeout bounds one CLI command.
const commandTimeout = 2 * time.Minute

// requiredProviders declares the two providers as users do, for directories
// whose blocks do not (a resource page's example assumes the provider page's
// declaration), as scripts/validate-examples.sh does for the examples.
const requiredProviders = `terraform {
  required_providers {
    jelou    = { source = "externalsupport/jelou" }
    jurichat = { source = "externalsupport/jurichat" }
  }
}
`

// TestDocBlocks runs every HCL block of the docs through the CLI (see the
// package comment for what each block is taken to be).
func TestDocBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the providers and runs a Terraform CLI")
	}
	acctest.PreCheck(t)
	root := repoRoot(t)
	blocks := allBlocks(t, root)
	work := t.TempDir()
	v := &validator{cli: acctest.FindCLI().Path, cliConfig: acctest.BuildProviders(t, work, "doctest")}

	t.Run("block", func(t *testing.T) {
		pages := map[string][]block{} // page → its kindFile blocks
		for _, b := range blocks {
			if b.kind() == kindFile {
				pages[b.file] = append(pages[b.file], b)
				continue
			}
			t.Run(b.where(), func(t *testing.T) {
				t.Parallel()
				v.check(t, b)
			})
		}
		for _, page := range slices.Sorted(maps.Keys(pages)) {
			for _, dir := range moduleDirs(pages[page]) {
				t.Run(page+"/"+dir, func(t *testing.T) {
					t.Parallel()
					v.checkPage(t, pages[page], dir)
				})
			}
		}
	})
	n := v.validated.Load()
	t.Logf("%d blocks (a page's named .tf files count once per directory): %d validated with %s, %d parsed, %d skipped", len(blocks), n, tfrun.DisplayName(v.cli), v.parsed.Load(), v.skipped.Load())
	if n < minValidated {
		t.Fatalf("validated only %d blocks with the CLI, fewer than the floor of %d: were blocks lost, or skipped wrongly?", n, minValidated)
	}
}

// validator runs the CLI on blocks and counts what it did.
type validator struct {
	cli, cliConfig             string
	validated, parsed, skipped atomic.Int64
}

// check handles a block that is not one file of a page's configuration.
func (v *validator) check(t *testing.T, b block) {
	switch b.kind() {
	case kindTest:
		v.parse(t, b)
	case kindCLIConfig:
		v.checkCLIConfig(t, b)
	case kindQuery:
		if why := acctest.Lacks(acctest.FeatureListResources); why != "" {
			t.Logf("%s: parsed only, not validated with validate -query: %s", b.where(), why)
			v.parse(t, b)
			return
		}
		dir := t.TempDir()
		write(t, filepath.Join(dir, path.Base(b.name)), b.text)
		write(t, filepath.Join(dir, "zz_required_providers.tf"), requiredProviders)
		v.validate(t, dir, []mapped{{path.Base(b.name), b}}, "validate", "-query")
	default:
		if why := skipReason(b.text, false); why != "" {
			v.skip(t, b.where(), why)
			return
		}
		dir := t.TempDir()
		write(t, filepath.Join(dir, "main.tf"), b.text)
		if !declaresProviders(b.text) {
			write(t, filepath.Join(dir, "zz_required_providers.tf"), requiredProviders)
		}
		v.validate(t, dir, []mapped{{"main.tf", b}}, "validate")
	}
}

// checkPage validates directory dir of a page's configuration: every block
// of the page naming a .tf or .tofu file is written at its path.
func (v *validator) checkPage(t *testing.T, files []block, dir string) {
	var texts []string
	var onlyTofu = true
	for _, b := range files {
		if inDir(b.name, dir) {
			texts = append(texts, b.text)
			if strings.HasSuffix(b.name, ".tf") {
				onlyTofu = false
			}
		}
	}
	where := files[0].file + " (" + dir + ")"
	if why := skipReason(strings.Join(texts, "\n"), onlyTofu); why != "" {
		v.skip(t, where, why)
		return
	}
	work := t.TempDir()
	var m []mapped
	declared := false
	for _, b := range files {
		write(t, filepath.Join(work, filepath.FromSlash(b.name)), b.text)
		if path.Dir(b.name) == dir {
			m = append(m, mapped{path.Base(b.name), b})
			declared = declared || declaresProviders(b.text)
		}
	}
	full := filepath.Join(work, filepath.FromSlash(dir))
	if !declared {
		write(t, filepath.Join(full, "zz_required_providers.tf"), requiredProviders)
	}
	v.validate(t, full, m, "validate")
}

// moduleDirs are the directories of a page's named files, "." for the root.
func moduleDirs(files []block) []string {
	var dirs []string
	for _, b := range files {
		if d := path.Dir(b.name); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	slices.Sort(dirs)
	return dirs
}

// inDir reports whether file is in dir or below it.
func inDir(file, dir string) bool {
	return dir == "." || strings.HasPrefix(file, dir+"/")
}

// checkCLIConfig has the CLI read a CLI configuration: it reports any
// problem with the file TF_CLI_CONFIG_FILE names on stderr, even for
// `version`, and prints nothing there otherwise. (The CLI reads these files
// as HCL 1, whose quoted keys hcl/v2 rejects, so a parse would be wrong.)
func (v *validator) checkCLIConfig(t *testing.T, b block) {
	file := filepath.Join(t.TempDir(), path.Base(b.name))
	write(t, file, b.text)
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	_, err := tfrun.Command{
		Name: tfrun.DisplayName(v.cli) + " version", Path: v.cli, Args: []string{"version"},
		Dir: filepath.Dir(file), Env: tfrun.Env(file), Stdout: &stdout, Stderr: &stderr,
	}.Run(ctx)
	if err != nil || stderr.Len() > 0 {
		t.Errorf("%s: %s does not accept the block as a CLI configuration (%s) (%v):\n%s", b.where(), tfrun.DisplayName(v.cli), b.name, err, stderr.String())
		return
	}
	v.validated.Add(1)
}

// parse checks a block's HCL syntax; diagnostics carry the page's lines.
func (v *validator) parse(t *testing.T, b block) {
	_, diags := hclsyntax.ParseConfig([]byte(b.text), b.file, hcl.Pos{Line: b.line, Column: 1})
	if diags.HasErrors() {
		t.Errorf("%s: the block (%s) is not valid HCL:\n%s", b.where(), b.name, diags.Error())
		return
	}
	v.parsed.Add(1)
}

func (v *validator) skip(t *testing.T, where, why string) {
	t.Logf("%s: skipped, not validated: %s", where, why)
	v.skipped.Add(1)
}

// mapped is a file the CLI reads and the block it was written from.
type mapped struct {
	name  string
	block block
}

var (
	moduleCall = regexp.MustCompile(`(?m)^\s*module\s+"`)
	fileLine   = regexp.MustCompile(`on (\S+) line (\d+)`)
)

// validate runs `get` (when a module is called) and then args in dir; a
// failure names the page's file and line of each diagnostic.
func (v *validator) validate(t *testing.T, dir string, files []mapped, args ...string) {
	calls := false
	for _, f := range files {
		calls = calls || moduleCall.MatchString(f.block.text)
	}
	if calls {
		if out, err := v.run(t, dir, "get"); err != nil {
			t.Errorf("%s: get failed: %v\n%s", files[0].block.where(), err, out)
			return
		}
	}
	out, err := v.run(t, dir, args...)
	if err == nil {
		v.validated.Add(1)
		return
	}
	var at []string
	for _, m := range fileLine.FindAllStringSubmatch(out, -1) {
		for _, f := range files {
			if f.name == m[1] {
				n, _ := strconv.Atoi(m[2])
				at = append(at, fmt.Sprintf("%s:%d", f.block.file, f.block.line+n-1))
			}
		}
	}
	where := files[0].block.where()
	if len(at) > 0 {
		where = strings.Join(slices.Compact(at), ", ")
	}
	t.Errorf("%s: %s %s failed (%v):\n%s", where, tfrun.DisplayName(v.cli), strings.Join(args, " "), err, out)
}

func (v *validator) run(t *testing.T, dir string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	var out bytes.Buffer
	_, err := tfrun.Command{
		Name: tfrun.DisplayName(v.cli) + " " + args[0], Path: v.cli,
		Args: append(append([]string{}, args[0], "-no-color"), args[1:]...),
		Dir:  dir, Env: tfrun.Env(v.cliConfig), Stdout: &out, Stderr: &out,
	}.Run(ctx)
	var exit *tfrun.ExitError
	if errors.As(err, &exit) {
		return out.String(), fmt.Errorf("exit code %d", exit.Code)
	}
	return out.String(), err
}

var declares = regexp.MustCompile(`(?m)^\s*required_providers\s*\{`)

func declaresProviders(text string) bool { return declares.MatchString(text) }

// features are the CLI features a block's text shows it uses.
var features = []struct {
	uses    *regexp.Regexp
	feature acctest.Feature
}{
	{regexp.MustCompile(`(?m)^\s*ephemeral\s+"|^\s*ephemeral\s*=\s*true|\bephemeral\.`), acctest.FeatureEphemeral},
	{regexp.MustCompile(`(?m)^\s*\w+_wo(_version)?\s*=`), acctest.FeatureWriteOnly},
	{regexp.MustCompile(`(?m)^\s*identity\s*=\s*\{`), acctest.FeatureIdentity},
	{regexp.MustCompile(`(?m)^\s*list\s+"`), acctest.FeatureListResources},
	{regexp.MustCompile(`(?m)^\s*action\s+"|\baction_trigger\b`), acctest.FeatureActions},
	{regexp.MustCompile(`provider::`), acctest.FeatureFunctions},
	{regexp.MustCompile(`(?s)\bprovider\s+"[^"]+"\s*\{\s*(alias\s*=\s*"[^"]*"\s*)?for_each\b`), acctest.FeatureProviderForEach},
}

var (
	blockType  = regexp.MustCompile(`(?m)^\s*(?:resource|data|ephemeral|list|action)\s+"([a-z][a-z0-9]*)_`)
	providerBl = regexp.MustCompile(`(?m)^\s*provider\s+"([a-z][a-z0-9-]*)"`)
	sourceAttr = regexp.MustCompile(`(?m)\bsource\s*=\s*"([^"./][^"]*)"`)
	ours       = map[string]bool{"jelou": true, "jurichat": true, "terraform": true}
)

// skipReason says why the CLI cannot validate a configuration, or "".
// onlyTofu: every file is a .tofu file, which Terraform ignores.
func skipReason(text string, onlyTofu bool) string {
	if onlyTofu && acctest.FindCLI().Product != "tofu" {
		return "only .tofu files, which Terraform does not read"
	}
	var others []string
	for _, re := range []*regexp.Regexp{blockType, providerBl} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if !ours[m[1]] && !slices.Contains(others, m[1]) {
				others = append(others, m[1])
			}
		}
	}
	for _, m := range sourceAttr.FindAllStringSubmatch(text, -1) {
		if !strings.Contains(m[1], "externalsupport/") && !slices.Contains(others, m[1]) {
			others = append(others, m[1])
		}
	}
	if len(others) > 0 {
		return "uses other providers (" + strings.Join(others, ", ") + "), which no registry serves here: only jelou and jurichat are installed, by dev_overrides"
	}
	for _, f := range features {
		if f.uses.MatchString(text) {
			if why := acctest.Lacks(f.feature); why != "" {
				return why
			}
		}
	}
	return ""
}

func write(t *testing.T, file, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
