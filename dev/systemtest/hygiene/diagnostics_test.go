package hygiene

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// credentialLine matches a source line the CLI shows (text: "  14:   api_key = …";
// JSON: "code": "  api_key = …") that assigns a credential argument or a map
// key (a header), the lines a diagnostic must never make the CLI print.
var credentialLine = regexp.MustCompile(`(?m)(^[\s│]*\d+:\s+|"code":\s*"\s*)((authorization|authorization_wo|api_key|token|client_id|client_secret|headers|webhook_url|base_url)\s*=|\\?"[^"\\]+\\?"\s*=)`)

// diagnosticCase is one configuration whose credential arguments, written
// as literals, raise diagnostics: the commands run on it, each with the
// exit code it must end with and the provider's own words (summaries,
// argument names) that must appear in its output, so the case cannot pass
// without the diagnostic.
type diagnosticCase struct {
	name     string
	config   string
	env      []string
	commands []diagnosticCommand
}

type diagnosticCommand struct {
	args []string
	code int
	want []string // regular expressions, matched against the output with white space collapsed
	// once, for a -json command, is a summary that must be reported exactly
	// once (-json gives one object per diagnostic, never consolidated).
	once string
}

// TestHygiene_credentialDiagnostics writes literal credentials (Basic
// user:password, bearer values, header values, both providers' keys and
// tokens) into configurations, triggers every diagnostic those arguments
// can raise (schema and resource validators, ValidateConfig warnings,
// provider configuration errors, unknown values, a rejected token), with
// validate, plan, apply and destroy, and asserts that each diagnostic
// appeared and that no value, in any form, and no line assigning a
// credential argument appears in the CLI's output. It checks the
// provider's words only, never the CLI's.
func TestHygiene_credentialDiagnostics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the providers and runs a Terraform CLI")
	}
	acctest.PreCheck(t)
	cli := acctest.FindCLI()
	if cli.Version.LessThan(version.Must(version.NewVersion("1.11.0"))) {
		t.Skipf("%s %s: write-only arguments need 1.11 or later", cli.Product, cli.Version)
	}
	work := t.TempDir()
	captures := filepath.Join(work, "captures")
	if err := os.MkdirAll(captures, 0o755); err != nil {
		t.Fatal(err)
	}
	cliCfg := acctest.BuildProviders(t, work, "hygiene credential diagnostics test")

	secrets := newSecretSet()
	lit := map[string]string{}
	for _, label := range []string{"jelou api key", "jelou client id", "jelou client secret", "jelou env client id",
		"jelou env client secret", "jelou control api key", "jelou incomplete client id", "jurichat token",
		"jurichat api key", "jurichat env api key", "jurichat control token", "wrong jurichat token",
		"both authorization", "both authorization_wo", "no_auth authorization", "no_auth authorization_wo",
		"basic password", "basic write-only password", "header bad name", "header fine", "header reserved",
		"header duplicate a", "header duplicate b", "header line break", "crm token header", "crm bearer header",
		"url password", "base url password"} {
		lit[label] = randomSecret(strings.ReplaceAll(label, " ", "-"))
		secrets.add(label, lit[label])
	}
	secrets.addBasic("basic credential", "panel-user", lit["basic password"])
	secrets.addBasic("write-only basic credential", "panel-user", lit["basic write-only password"])

	emu := acctest.StartEmulator(t, func(o *emulator.Options) {
		o.JelouAPIKey = lit["jelou api key"]
		o.JelouClientID = lit["jelou client id"]
		o.JelouClientSecret = lit["jelou client secret"]
		o.JurichatToken = lit["jurichat token"]
		o.JurichatAPIKey = lit["jurichat api key"]
	})

	for _, c := range credentialCases(lit, emu.JelouURL(), emu.JurichatURL(), acctest.RandomName("hyg-diag-")) {
		dir := filepath.Join(work, c.name)
		writeConfig(t, dir, c.config)
		s := &session{t: t, ctx: t.Context(), cli: cli.Path, cliCfg: cliCfg, captures: captures, emu: emu, secrets: secrets, noTrace: true}
		for _, cmd := range c.commands {
			r := s.terraform(dir, c.env, cmd.args[0], cmd.args[1:]...)
			out := collapse(r.stdout + "\n" + r.stderr)
			if r.code != cmd.code {
				t.Errorf("%s: exited with %d, want %d. Its output, secrets redacted:\n%s", r.name, r.code, cmd.code,
					tail(secrets.redact(r.stdout+"\n"+r.stderr), 80))
				continue
			}
			for _, w := range cmd.want {
				if !regexp.MustCompile(w).MatchString(out) {
					t.Errorf("%s: the output lacks %q, so the diagnostic did not appear. Its output, secrets redacted:\n%s",
						r.name, w, tail(secrets.redact(r.stdout+"\n"+r.stderr), 80))
				}
			}
			if cmd.once != "" {
				if n := countDiagnostics(t, filepath.Join(captures, r.name+".stdout"), cmd.once); n != 1 {
					t.Errorf("%s reports %q %d times, want once", r.name, cmd.once, n)
				}
			}
			for _, line := range credentialLine.FindAllString(r.stdout+"\n"+r.stderr, -1) {
				t.Errorf("%s: the CLI printed a configuration line assigning a credential: %s", r.name, secrets.redact(line))
			}
		}
	}

	checkNoSecrets(t, captures, secrets)
}

// collapse removes the CLI's frame characters and joins white space, so
// that patterns match across wrapped lines.
func collapse(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "│", " ")), " ")
}

// countDiagnostics counts the diagnostics with summary in a -json output.
func countDiagnostics(t *testing.T, file, summary string) int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Summary string `json:"summary"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Summary == summary {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

const diagRequirements = `
terraform {
  required_providers {
    jelou    = { source = "externalsupport/jelou" }
    jurichat = { source = "externalsupport/jurichat" }
  }
}
`

// credentialCases are the configurations, each credential on a line of its
// own (a diagnostic with a path would print it).
func credentialCases(lit map[string]string, jelouURL, jurichatURL, project string) []diagnosticCase {
	jelouProvider := fmt.Sprintf(`
provider "jelou" {
  base_url = %q
  api_key  = %q
}
`, jelouURL, lit["jelou api key"])
	jurichatProvider := fmt.Sprintf(`
provider "jurichat" {
  base_url = %q
  token    = %q
}
`, jurichatURL, lit["jurichat token"])
	validateAndPlan := func(want ...string) []diagnosticCommand {
		return []diagnosticCommand{{args: []string{"validate"}, code: 1, want: want}, {args: []string{"plan"}, code: 1, want: want}}
	}
	lengthOf := func(arg string) string { return `Invalid Attribute Value Length.*Attribute ` + arg + ` string length` }
	basic := `Basic Credential Is Not Base64.*authorization as given`
	basicWO := `Basic Credential Is Not Base64.*authorization_wo as given`

	return []diagnosticCase{
		{
			name: "jelou-arguments",
			config: diagRequirements + jelouProvider + fmt.Sprintf(`
resource "jelou_external_support" "empty" {
  project_id    = "p-empty"
  webhook_url   = "https://support.example.com/jelou"
  auth_type     = "bearer"
  authorization = ""
}

resource "jelou_external_support" "empty_wo" {
  project_id               = "p-empty-wo"
  webhook_url              = "https://support.example.com/jelou"
  auth_type                = "bearer"
  authorization_wo         = ""
  authorization_wo_version = 1
}

resource "jelou_external_support" "both" {
  project_id       = "p-both"
  webhook_url      = "https://support.example.com/jelou"
  auth_type        = "bearer"
  authorization    = %q
  authorization_wo = %q
}

resource "jelou_external_support" "no_auth" {
  project_id    = "p-no-auth"
  webhook_url   = "https://support.example.com/jelou"
  authorization = %q
}

resource "jelou_external_support" "url_credentials" {
  project_id  = "p-url"
  webhook_url = "https://panel-user:%s@support.example.com/jelou"
}

resource "jelou_external_support" "no_auth_wo" {
  project_id               = "p-no-auth-wo"
  webhook_url              = "https://support.example.com/jelou"
  authorization_wo         = %q
  authorization_wo_version = 1
}
`, lit["both authorization"], lit["both authorization_wo"], lit["no_auth authorization"], lit["url password"],
				lit["no_auth authorization_wo"]),
			commands: validateAndPlan(lengthOf("authorization"), lengthOf("authorization_wo"),
				`Invalid Attribute Combination.*authorization.*authorization_wo`,
				`Credential Not Allowed With auth_type "no_auth".*authorization must not be set`,
				`Credential Not Allowed With auth_type "no_auth".*authorization_wo must not be set`,
				`Invalid Webhook URL.*Attribute webhook_url: .*must not embed user:password credentials`),
		},
		{
			name: "jurichat-headers",
			config: diagRequirements + jurichatProvider + fmt.Sprintf(`
resource "jurichat_webhook" "bad_name" {
  name   = "bad name"
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
  headers = {
    "Bad Name" = %q
    "X-Fine"   = %q
  }
}

resource "jurichat_webhook" "reserved" {
  name   = "reserved"
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
  headers = {
    "Content-Type" = %q
  }
}

resource "jurichat_webhook" "duplicate" {
  name   = "duplicate"
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
  headers = {
    "X-Dup" = %q
    "x-dup" = %q
  }
}

resource "jurichat_webhook" "line_break" {
  name   = "line break"
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
  headers = {
    "X-Value" = "%s\nInjected: yes"
  }
}
`, lit["header bad name"], lit["header fine"], lit["header reserved"], lit["header duplicate a"], lit["header duplicate b"],
				lit["header line break"]),
			commands: validateAndPlan(`Invalid Header Name.*headers has the header name "Bad Name"`,
				`Reserved Header Name.*headers sets "Content-Type"`, `Duplicate Header Name.*headers has both "X-Dup" and "x-dup"`,
				`Invalid Header Value.*header "X-Value" in headers`),
		},
		{
			name: "jelou-provider-validation",
			config: diagRequirements + fmt.Sprintf(`
provider "jelou" {
  alias    = "empty_key"
  base_url = %[1]q
  api_key  = ""
}

provider "jelou" {
  alias         = "empty_client"
  base_url      = %[1]q
  client_id     = ""
  client_secret = ""
}

provider "jelou" {
  alias         = "both"
  base_url      = %[1]q
  api_key       = %[2]q
  client_id     = %[3]q
  client_secret = %[4]q
}

data "jelou_external_support" "empty_key" {
  provider   = jelou.empty_key
  project_id = "p1"
}

data "jelou_external_support" "empty_client" {
  provider   = jelou.empty_client
  project_id = "p1"
}

data "jelou_external_support" "both" {
  provider   = jelou.both
  project_id = "p1"
}
`, jelouURL, lit["jelou api key"], lit["jelou client id"], lit["jelou client secret"]),
			commands: validateAndPlan(lengthOf("api_key"), lengthOf("client_id"), lengthOf("client_secret"),
				`Invalid Attribute Combination.*"client_id" cannot be specified when "api_key" is specified`,
				`Invalid Attribute Combination.*"client_secret" cannot be specified when "api_key" is specified`),
		},
		{
			name: "jelou-provider-configure",
			config: diagRequirements + fmt.Sprintf(`
resource "terraform_data" "later" {}

provider "jelou" {
  alias     = "incomplete"
  base_url  = %[1]q
  client_id = %[2]q
}

provider "jelou" {
  alias    = "control"
  base_url = %[1]q
  api_key  = "%[3]s\u0007"
}

provider "jelou" {
  alias    = "unknown"
  base_url = %[1]q
  api_key  = terraform_data.later.id
}

data "jelou_external_support" "incomplete" {
  provider   = jelou.incomplete
  project_id = "p1"
}

data "jelou_external_support" "control" {
  provider   = jelou.control
  project_id = "p1"
}

resource "jelou_external_support" "unknown" {
  provider    = jelou.unknown
  project_id  = "p1"
  webhook_url = "https://support.example.com/jelou"
}
`, jelouURL, lit["jelou incomplete client id"], lit["jelou control api key"]),
			commands: []diagnosticCommand{{args: []string{"plan"}, code: 1, want: []string{
				`Incomplete Jelou Client Credentials.*client_secret is not set`, `Invalid Jelou API Key.*api_key`,
				`Unknown Jelou API Key.*api_key is unknown until apply`}}},
		},
		{
			name: "jelou-provider-conflict-env",
			config: diagRequirements + jelouProvider + `
data "jelou_external_support" "test" {
  project_id = "p1"
}
`,
			env: []string{"JELOU_CLIENT_ID=" + lit["jelou env client id"], "JELOU_CLIENT_SECRET=" + lit["jelou env client secret"]},
			commands: []diagnosticCommand{{args: []string{"plan"}, code: 1, want: []string{
				`Conflicting Jelou Credentials.*the api_key argument.*JELOU_CLIENT_ID environment variable`}}},
		},
		{
			name: "jurichat-provider-validation",
			config: diagRequirements + fmt.Sprintf(`
provider "jurichat" {
  alias    = "empty_token"
  base_url = %[1]q
  token    = ""
}

provider "jurichat" {
  alias    = "empty_key"
  base_url = %[1]q
  api_key  = ""
}

provider "jurichat" {
  alias    = "both"
  base_url = %[1]q
  token    = %[2]q
  api_key  = %[3]q
}

provider "jurichat" {
  alias    = "url_credentials"
  base_url = "https://office-user:%[4]s@api.jurichat.example"
  token    = %[2]q
}

data "jurichat_webhooks" "url_credentials" {
  provider = jurichat.url_credentials
}

data "jurichat_webhooks" "empty_token" {
  provider = jurichat.empty_token
}

data "jurichat_webhooks" "empty_key" {
  provider = jurichat.empty_key
}

data "jurichat_webhooks" "both" {
  provider = jurichat.both
}
`, jurichatURL, lit["jurichat token"], lit["jurichat api key"], lit["base url password"]),
			commands: validateAndPlan(lengthOf("token"), lengthOf("api_key"),
				`Invalid API base URL.*Attribute base_url: .*must not embed user:password credentials`,
				`Invalid Attribute Combination.*"api_key" cannot be specified when "token" is specified`),
		},
		{
			name: "jurichat-provider-configure",
			config: diagRequirements + fmt.Sprintf(`
resource "terraform_data" "later" {}

provider "jurichat" {
  alias    = "control"
  base_url = %[1]q
  token    = "%[2]s\u0007"
}

provider "jurichat" {
  alias    = "unknown"
  base_url = %[1]q
  token    = terraform_data.later.id
}

data "jurichat_webhooks" "control" {
  provider = jurichat.control
}

resource "jurichat_webhook" "unknown" {
  provider = jurichat.unknown
  name     = "unknown token"
  url      = "https://hooks.example.com/jurichat"
  events   = ["crm.lead.created"]
}
`, jurichatURL, lit["jurichat control token"]),
			commands: []diagnosticCommand{{args: []string{"plan"}, code: 1, want: []string{
				`Invalid JuriChat Token.*token`, `Unknown JuriChat Token.*token is unknown until apply`}}},
		},
		{
			name: "jurichat-provider-conflict-env",
			config: diagRequirements + jurichatProvider + `
data "jurichat_webhooks" "test" {}
`,
			env: []string{"JURICHAT_API_KEY=" + lit["jurichat env api key"]},
			commands: []diagnosticCommand{{args: []string{"plan"}, code: 1, want: []string{
				`Conflicting JuriChat Credentials.*the token argument.*JURICHAT_API_KEY environment variable`}}},
		},
		{
			// A wrong token fails the plan at the event catalogue, naming the settings.
			name: "jurichat-wrong-token",
			config: diagRequirements + fmt.Sprintf(`
provider "jurichat" {
  base_url = %q
  token    = %q
}

resource "jurichat_webhook" "crm" {
  name   = "wrong token"
  url    = "https://crm.example.com/webhooks/jurichat"
  events = ["crm.lead.created"]
  headers = {
    "X-Crm-Token" = %q
  }
}
`, jurichatURL, lit["wrong jurichat token"], lit["crm token header"]),
			commands: []diagnosticCommand{{args: []string{"plan"}, code: 1, want: []string{
				`Error Reading JuriChat Event Catalogue.*HTTP 401.*token \(JURICHAT_TOKEN\)`}}},
		},
		{
			// Warnings through a whole lifecycle: the basic credentials warn at
			// validate, plan, apply and destroy; a rotation warns once.
			name: "lifecycle",
			config: diagRequirements + jelouProvider + jurichatProvider + fmt.Sprintf(`
variable "generation" {
  type    = string
  default = "1"
}

resource "jelou_external_support" "basic" {
  project_id    = "%[1]s-basic"
  webhook_url   = "https://support.example.com/jelou/basic"
  auth_type     = "basic"
  authorization = "panel-user:%[2]s"

  rotate_when_changed = {
    generation = var.generation
  }
}

resource "jelou_external_support" "basic_wo" {
  project_id               = "%[1]s-basic-wo"
  webhook_url              = "https://support.example.com/jelou/basic-wo"
  auth_type                = "basic"
  authorization_wo         = "panel-user:%[3]s"
  authorization_wo_version = 1
}

resource "jurichat_webhook" "crm" {
  name   = "hygiene diagnostics crm"
  url    = "https://crm.example.com/webhooks/jurichat"
  events = ["crm.lead.created"]
  headers = {
    "X-Crm-Token"   = %[4]q
    "Authorization" = "Bearer %[5]s"
  }
}
`, project, lit["basic password"], lit["basic write-only password"], lit["crm token header"], lit["crm bearer header"]),
			// The human-readable output consolidates warnings with one
			// summary, so the second basic warning shows only with -json.
			commands: []diagnosticCommand{
				{args: []string{"validate"}, want: []string{basic}},
				{args: []string{"validate", "-json"}, want: []string{basic, basicWO}},
				{args: []string{"plan"}, want: []string{basic}},
				{args: []string{"plan", "-json"}, want: []string{basic, basicWO}},
				{args: []string{"apply", "-auto-approve", "-json"}, want: []string{basic, basicWO}},
				{args: []string{"plan", "-var", "generation=2", "-out=rotate.tfplan"}, want: []string{basic,
					`Jelou Signing Secret Will Be Regenerated`}},
				{args: []string{"apply", "rotate.tfplan"}},
				{args: []string{"apply", "-auto-approve", "-json", "-var", "generation=3"},
					want: []string{`Jelou Signing Secret Will Be Regenerated`}, once: "Jelou Signing Secret Will Be Regenerated"},
				{args: []string{"destroy", "-auto-approve", "-json", "-var", "generation=3"}, want: []string{basic, basicWO}},
			},
		},
	}
}
