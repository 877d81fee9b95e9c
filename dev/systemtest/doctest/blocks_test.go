package doctest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
)

// block is one fenced HCL block of a Markdown file.
type block struct {
	file string // path from the repository root, slash-separated
	line int    // line of the block's first content line, 1-based
	text string // content, the fence's indentation removed, ending in "\n"
	name string // the file its first-line comment names, "" if none
}

// where is how failures name a block: file and line, as editors take them.
func (b block) where() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

var (
	fence = regexp.MustCompile("^( *)```\\s*([A-Za-z0-9_-]*)\\s*$")
	// A first-line comment naming a file: "# dev.tfrc — use with: …",
	// "# modules/x/main.tf", "# tests/panel.tftest.hcl". The file name is the
	// comment's first word and has one of the extensions the kinds know.
	namedFile = regexp.MustCompile(`^#\s*(\S+)`)
	fileKinds = regexp.MustCompile(`(\.tfrc|(^|/)\.terraformrc|(^|/)terraform\.rc|(^|/)\.tofurc|(^|/)tofu\.rc|\.tftest\.hcl|\.tfmock\.hcl|\.tfquery\.hcl|\.tf|\.tofu)$`)
)

// docFiles are README.md and every Markdown page under docs/, from root.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md"}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// extractBlocks returns the ```hcl and ```terraform blocks of a Markdown
// text. Fences may be indented (a block in a list item); the indentation is
// removed from the content.
func extractBlocks(file, text string) ([]block, error) {
	lines := strings.Split(text, "\n")
	var blocks []block
	for i := 0; i < len(lines); i++ {
		m := fence.FindStringSubmatch(lines[i])
		if m == nil || m[2] == "" {
			continue
		}
		indent, lang := m[1], m[2]
		start := i + 1
		end := start
		for end < len(lines) && strings.TrimSpace(lines[end]) != "```" {
			end++
		}
		if end == len(lines) {
			return nil, fmt.Errorf("%s:%d: the ```%s block is never closed", file, i+1, lang)
		}
		i = end
		if lang != "hcl" && lang != "terraform" {
			continue
		}
		var b strings.Builder
		for _, l := range lines[start:end] {
			b.WriteString(strings.TrimPrefix(l, indent) + "\n")
		}
		blk := block{file: file, line: start + 1, text: b.String()}
		first, _, _ := strings.Cut(blk.text, "\n")
		if m := namedFile.FindStringSubmatch(strings.TrimSpace(first)); m != nil && fileKinds.MatchString(m[1]) {
			blk.name = m[1]
		}
		blocks = append(blocks, blk)
	}
	return blocks, nil
}

// allBlocks reads every block of the docs under root.
func allBlocks(t *testing.T, root string) []block {
	t.Helper()
	var blocks []block
	for _, f := range docFiles(t, root) {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		bs, err := extractBlocks(f, string(data))
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, bs...)
	}
	return blocks
}

// kind is what a block's first line says it is.
type kind int

const (
	kindConfig    kind = iota // a whole configuration
	kindFile                  // one .tf/.tofu file of the page's configuration
	kindCLIConfig             // a CLI configuration
	kindTest                  // a .tftest.hcl or .tfmock.hcl file
	kindQuery                 // a .tfquery.hcl file
)

func (b block) kind() kind {
	n := b.name
	switch {
	case n == "":
		return kindConfig
	case strings.HasSuffix(n, ".tftest.hcl"), strings.HasSuffix(n, ".tfmock.hcl"):
		return kindTest
	case strings.HasSuffix(n, ".tfquery.hcl"):
		return kindQuery
	case strings.HasSuffix(n, ".tf"), strings.HasSuffix(n, ".tofu"):
		return kindFile
	default:
		return kindCLIConfig
	}
}

// TestExtractBlocks pins the extraction and the convention on a sample page.
func TestExtractBlocks(t *testing.T) {
	t.Parallel()
	page := strings.Join([]string{
		"# Title",
		"```hcl",
		"# dev.tfrc — use with: export TF_CLI_CONFIG_FILE=$PWD/dev.tfrc",
		"provider_installation {}",
		"```",
		"```shell",
		"terraform apply",
		"```",
		"1. A step:",
		"",
		"   ```terraform",
		"   # terraform query -generate-config-out=x.tf",
		"   resource \"a\" \"b\" {}",
		"   ```",
		"```terraform",
		"# tests/panel.tftest.hcl",
		"run \"x\" {}",
		"```",
		"```terraform",
		"# modules/x/main.tf",
		"```",
	}, "\n")
	got, err := extractBlocks("p.md", page)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line int
		name string
		kind kind
		text string
	}{
		{3, "dev.tfrc", kindCLIConfig, "# dev.tfrc — use with: export TF_CLI_CONFIG_FILE=$PWD/dev.tfrc\nprovider_installation {}\n"},
		{12, "", kindConfig, "# terraform query -generate-config-out=x.tf\nresource \"a\" \"b\" {}\n"},
		{16, "tests/panel.tftest.hcl", kindTest, "# tests/panel.tftest.hcl\nrun \"x\" {}\n"},
		{20, "modules/x/main.tf", kindFile, "# modules/x/main.tf\n"},
	}
	if len(got) != len(want) {
		t.Fatalf("extracted %d blocks, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.line != w.line || g.name != w.name || g.kind() != w.kind || g.text != w.text {
			t.Errorf("block %d = line %d, name %q, kind %d, text %q; want line %d, name %q, kind %d, text %q",
				i, g.line, g.name, g.kind(), g.text, w.line, w.name, w.kind, w.text)
		}
	}
	if _, err := extractBlocks("p.md", "```hcl\nx = 1\n"); err == nil {
		t.Error("an unclosed block was not reported")
	}
}

// repoRoot is the repository root, from this package's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := tfrun.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}
