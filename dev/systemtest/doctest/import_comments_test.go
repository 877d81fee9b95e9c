package doctest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// importComment is the comment of one example that imports something: the
// lines starting with "#" or "//" of an examples/**/import.sh, or of an
// example .tf file holding an import block.
type importComment struct {
	file string // path from the repository root, slash-separated
	text string // the comment lines, markers removed, joined by spaces
}

var (
	importBlock = regexp.MustCompile(`(?m)^\s*import\s*\{`)
	aboutSecret = regexp.MustCompile(`(?i)\bsecret`)
	// What a Jelou comment must never tell a reader to do to get a secret:
	// replacing the resource deletes the integration (and its id), where
	// rotate_when_changed regenerates the secret in place.
	replaceWords = regexp.MustCompile(`(?i)\b(replac\w*|re-?creat\w*|taint\w*|destroy\w*|delet\w*)`)
	// What a JuriChat comment would say if it told how to get a new secret.
	newSecretWords = regexp.MustCompile(`(?i)\b(new secret|rotat\w*|regenerat\w*|replac\w*)`)
)

// importComments reads the import examples under root/examples.
func importComments(t *testing.T, root string) []importComment {
	t.Helper()
	var out []importComment
	err := filepath.WalkDir(filepath.Join(root, "examples"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		isScript := d.Name() == "import.sh"
		if !isScript && !strings.HasSuffix(p, ".tf") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !isScript && !importBlock.Match(data) {
			return nil
		}
		var lines []string
		for _, l := range strings.Split(string(data), "\n") {
			l = strings.TrimSpace(l)
			if c, ok := strings.CutPrefix(l, "#"); ok {
				lines = append(lines, strings.TrimSpace(c))
			} else if c, ok := strings.CutPrefix(l, "//"); ok {
				lines = append(lines, strings.TrimSpace(c))
			}
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		out = append(out, importComment{file: filepath.ToSlash(rel), text: strings.Join(lines, " ")})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportCommentsAgreeWithRotationGuides: an import example's comment
// about the secret says what the rotation guides say. Jelou's secret cannot
// be imported and is regenerated in place with rotate_when_changed, so a
// Jelou comment names it and never says to replace, recreate, taint, destroy
// or delete anything; a JuriChat comment that tells how to get a new secret
// names rotate_when_changed too.
func TestImportCommentsAgreeWithRotationGuides(t *testing.T) {
	t.Parallel()
	comments := importComments(t, repoRoot(t))
	checked := 0
	for _, c := range comments {
		if !aboutSecret.MatchString(c.text) {
			continue
		}
		checked++
		if problem := importCommentProblem(c); problem != "" {
			t.Errorf("%s: %s\n  the comment: %s", c.file, problem, c.text)
		}
	}
	// The Jelou import.sh speaks of the secret: finding none means the walk broke.
	if checked == 0 {
		t.Fatalf("found no import example whose comment speaks of the secret among %d import examples", len(comments))
	}
}

// importCommentProblem says how an import comment about the secret
// contradicts the rotation guides, or "".
func importCommentProblem(c importComment) string {
	switch {
	case strings.HasPrefix(c.file, "examples/jelou/"):
		if w := replaceWords.FindString(c.text); w != "" {
			return "says " + `"` + w + `"` + ": a Jelou integration gets a new signing secret in place with rotate_when_changed; replacing it deletes the integration"
		}
		if !strings.Contains(c.text, "rotate_when_changed") {
			return "does not name rotate_when_changed, the way an imported Jelou integration gets a signing secret (guide: Rotating the signing secret)"
		}
	case strings.HasPrefix(c.file, "examples/jurichat/"):
		if newSecretWords.MatchString(c.text) && !strings.Contains(c.text, "rotate_when_changed") {
			return "tells how to get a new secret without naming rotate_when_changed (guide: Rotating a webhook secret)"
		}
	}
	return ""
}

// TestImportCommentProblem pins the rule on the comment issue 19 found and on
// the one that replaced it.
func TestImportCommentProblem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, text string
		bad        bool
	}{
		{"examples/jelou/resources/x/import.sh", "Jelou returns the signing secret only at creation, so an imported integration has no signing_secret; replace the resource to obtain a new one.", true},
		{"examples/jelou/resources/x/import.sh", "no signing_secret: terraform taint it", true},
		{"examples/jelou/resources/x/import.sh", "no signing_secret: set rotate_when_changed to regenerate it in place", false},
		{"examples/jelou/resources/x/import.sh", "no signing_secret.", true},
		{"examples/jurichat/resources/x/import.sh", "JuriChat returns the secret when the webhook is read.", false},
		{"examples/jurichat/resources/x/import.sh", "for a new secret, replace the webhook", true},
	} {
		if got := importCommentProblem(importComment{tc.file, tc.text}) != ""; got != tc.bad {
			t.Errorf("importCommentProblem(%q) reports a problem: %v, want %v", tc.text, got, tc.bad)
		}
	}
}
