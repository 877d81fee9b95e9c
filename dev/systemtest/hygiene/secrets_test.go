// Package hygiene holds the secret-hygiene test: both providers built and run
// the way users run them, their whole lifecycle at TRACE log level, and every
// byte they and Terraform print or log searched for the secrets in play.
// It has test files only.
package hygiene

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// minSecretLen is the shortest form searched for: shorter strings would match
// by chance.
const minSecretLen = 8

// secretForm is one way a secret can be written: the value itself or an
// encoding of it. label names it in findings; the value is never printed.
type secretForm struct {
	label string
	value string
}

// secretSet holds every secret of a run, in each form searched for.
type secretSet struct {
	mu    sync.Mutex
	forms []secretForm
	seen  map[string]bool
}

func newSecretSet() *secretSet { return &secretSet{seen: map[string]bool{}} }

func (s *secretSet) addForm(label, value string) {
	if len(value) < minSecretLen || s.seen[value] {
		return
	}
	s.seen[value] = true
	s.forms = append(s.forms, secretForm{label: label, value: value})
}

// add registers a secret and its base64 encodings (padded or not, standard
// or URL alphabet: the unpadded form is a prefix of the padded one).
func (s *secretSet) add(label, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addForm(label, value)
	s.addForm(label+" (base64)", base64.RawStdEncoding.EncodeToString([]byte(value)))
	s.addForm(label+" (base64url)", base64.RawURLEncoding.EncodeToString([]byte(value)))
}

// addBasic registers the HTTP Basic encoding of user:password (and the
// password alone, through add).
func (s *secretSet) addBasic(label, user, password string) {
	s.add(label, password)
	s.add(label+" as user:password", user+":"+password)
}

// snapshot returns the forms, longest first, so that redaction replaces an
// encoding before any secret it may contain.
func (s *secretSet) snapshot() []secretForm {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]secretForm(nil), s.forms...)
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].value) > len(out[j].value) })
	return out
}

// redact replaces every secret form in text with its label, so that a
// command's output can be shown in a failure message.
func (s *secretSet) redact(text string) string {
	for _, f := range s.snapshot() {
		text = strings.ReplaceAll(text, f.value, "[secret: "+f.label+"]")
	}
	return text
}

// finding is a secret found in a capture: where, and what wrote the line.
// It never holds the value.
type finding struct {
	label  string
	file   string
	line   int
	origin string
}

func (f finding) String() string {
	return fmt.Sprintf("%s found in %s line %d (%s)", f.label, f.file, f.line, f.origin)
}

// lineOrigin says what wrote a line of a Terraform log: a provider process
// (and which layer of it, from terraform-plugin-log's @module field) or
// Terraform core. Lines of command output are the CLI's.
func lineOrigin(file, line string) string {
	if !strings.HasSuffix(file, ".trace.log") {
		return "CLI output"
	}
	idx := strings.Index(line, "provider.terraform-provider-")
	if idx < 0 {
		return "Terraform core"
	}
	name := line[idx+len("provider."):]
	if end := strings.IndexAny(name, ": \t"); end >= 0 {
		name = name[:end]
	}
	module := "no @module"
	if m := strings.Index(line, "@module="); m >= 0 {
		module = line[m:]
		if end := strings.IndexAny(module, " \t"); end >= 0 {
			module = module[:end]
		}
	}
	return "provider process " + name + ", " + module
}

// scanFile reports every line of path that holds a secret form.
func scanFile(path, display string, forms []secretForm) ([]finding, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []finding
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		for _, form := range forms {
			if strings.Contains(line, form.value) {
				out = append(out, finding{label: form.label, file: display, line: n, origin: lineOrigin(display, line)})
			}
		}
	}
	return out, sc.Err()
}

// randomSecret returns a recognisable, unique value: prefix and 24 hex digits.
func randomSecret(prefix string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

// The scanner finds a planted secret in each form, names the label, file,
// line and origin, and never the value.
func TestHygieneScanner(t *testing.T) {
	t.Parallel()
	set := newSecretSet()
	token := randomSecret("token")
	set.add("the token", token)
	set.addBasic("the client secret", "client-id", randomSecret("client"))
	forms := set.snapshot()

	dir := t.TempDir()
	var clientSecret string
	for _, f := range forms {
		if f.label == "the client secret" {
			clientSecret = f.value
		}
	}
	lines := []string{
		"nothing here",
		"2024-01-01T00:00:00.000Z [TRACE] provider.terraform-provider-jelou: sent: @module=provider header=" + token + " tf_rpc=ApplyResourceChange",
		"[TRACE] core: Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("client-id:"+clientSecret)),
		"x-api-key: " + base64.StdEncoding.EncodeToString([]byte(token)),
	}
	path := filepath.Join(dir, "01-apply.trace.log")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := scanFile(path, "01-apply.trace.log", forms)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"the token found in 01-apply.trace.log line 2 (provider process terraform-provider-jelou, @module=provider)",
		"the client secret as user:password (base64) found in 01-apply.trace.log line 3 (Terraform core)",
		"the token (base64) found in 01-apply.trace.log line 4 (Terraform core)",
	}
	var texts []string
	for _, f := range got {
		texts = append(texts, f.String())
		for _, form := range forms {
			if strings.Contains(f.String(), form.value) {
				t.Errorf("a finding's text carries the secret it reports (%s)", form.label)
			}
		}
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
	if r := set.redact("a " + token + " b"); strings.Contains(r, token) || !strings.Contains(r, "[secret: the token]") {
		t.Errorf("redact left the token or did not label it: %d characters", len(r))
	}
}
