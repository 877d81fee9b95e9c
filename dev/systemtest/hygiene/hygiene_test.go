package hygiene

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
)

// EnvCaptureDir names a directory that keeps the captures (command output
// and TRACE logs) of TestHygiene_lifecycle after it ends, for inspection.
// They hold no secret unless the test fails with findings.
const EnvCaptureDir = "HYGIENE_CAPTURE_DIR"

// commandTimeout bounds one Terraform command.
const commandTimeout = 5 * time.Minute

// The configuration users would write: both providers, credentials from the
// environment, secrets from sensitive variables; a Jelou integration with a
// credential in state, one with a write-only credential, one whose
// write-only credential is a JuriChat webhook's secret read through the
// ephemeral resource; JuriChat webhooks with credential-bearing headers; the
// data sources reading them back.
const mainConfig = `
terraform {
  required_providers {
    jelou    = { source = "externalsupport/jelou" }
    jurichat = { source = "externalsupport/jurichat" }
  }
}

variable "jelou_base_url" { type = string }
variable "jurichat_base_url" { type = string }
variable "project_bearer" { type = string }
variable "project_basic" { type = string }
variable "project_relay" { type = string }
variable "basic_version" { type = number }
variable "secret_generation" { type = string }
variable "bearer_token" {
  type      = string
  sensitive = true
}
variable "basic_credential" {
  type      = string
  sensitive = true
}
variable "crm_token" {
  type      = string
  sensitive = true
}
variable "crm_password" {
  type      = string
  sensitive = true
}
variable "tenant_key" {
  type      = string
  sensitive = true
}

provider "jelou" {
  base_url = var.jelou_base_url # JELOU_API_KEY from the environment
}

provider "jurichat" {
  base_url = var.jurichat_base_url # JURICHAT_TOKEN from the environment
}

resource "jelou_external_support" "bearer" {
  project_id    = var.project_bearer
  webhook_url   = "https://support.example.com/jelou"
  auth_type     = "bearer"
  authorization = var.bearer_token

  # A change regenerates the signing secret in place.
  rotate_when_changed = {
    generation = var.secret_generation
  }
}

resource "jelou_external_support" "basic" {
  project_id               = var.project_basic
  webhook_url              = "https://support.example.com/jelou/basic"
  auth_type                = "basic"
  authorization_wo         = var.basic_credential
  authorization_wo_version = var.basic_version
}

resource "jurichat_webhook" "crm" {
  name   = "hygiene crm"
  url    = "https://crm.example.com/webhooks/jurichat"
  events = ["crm.lead.created", "crm.lead.updated"]
  headers = {
    "X-Crm-Token"   = var.crm_token
    "Authorization" = "Basic ${base64encode("crm-user:${var.crm_password}")}"
  }
}

resource "jurichat_webhook" "tenant" {
  name    = "hygiene tenant"
  url     = "https://tenant.example.com/hook"
  events  = ["contact.created"]
  headers = { "X-Api-Key" = var.tenant_key }
}

# The CRM webhook's secret, never stored, becomes the credential Jelou sends
# to the relay.
ephemeral "jurichat_webhook_secret" "crm" {
  webhook_id = jurichat_webhook.crm.id
}

resource "jelou_external_support" "relay" {
  project_id               = var.project_relay
  webhook_url              = "https://relay.example.com/jelou"
  auth_type                = "bearer"
  authorization_wo         = ephemeral.jurichat_webhook_secret.crm.secret
  authorization_wo_version = 1
}

# The data sources read the same objects, secrets and headers included.
data "jelou_external_support" "bearer" {
  project_id = jelou_external_support.bearer.project_id
}

data "jurichat_webhook" "crm" {
  id = jurichat_webhook.crm.id
}

data "jurichat_webhooks" "all" {
  depends_on = [jurichat_webhook.crm, jurichat_webhook.tenant]
}

output "bearer_signing_secret" {
  value     = jelou_external_support.bearer.signing_secret
  sensitive = true
}

output "crm_secret" {
  value     = jurichat_webhook.crm.secret
  sensitive = true
}
`

// The configuration a second team adopts existing objects into, with the
// other authentication mode of each provider (client credentials, API key),
// from sensitive variables: two objects by terraform import, two by import
// blocks.
const importConfig = `
terraform {
  required_providers {
    jelou    = { source = "externalsupport/jelou" }
    jurichat = { source = "externalsupport/jurichat" }
  }
}

variable "jelou_base_url" { type = string }
variable "jurichat_base_url" { type = string }
variable "project_bearer" { type = string }
variable "project_basic" { type = string }
variable "tenant_id" { type = string }
variable "jelou_client_id" {
  type      = string
  sensitive = true
}
variable "jelou_client_secret" {
  type      = string
  sensitive = true
}
variable "jurichat_api_key" {
  type      = string
  sensitive = true
}
variable "bearer_token" {
  type      = string
  sensitive = true
}
variable "basic_credential" {
  type      = string
  sensitive = true
}
variable "crm_token" {
  type      = string
  sensitive = true
}
variable "crm_password" {
  type      = string
  sensitive = true
}
variable "tenant_key" {
  type      = string
  sensitive = true
}

provider "jelou" {
  base_url      = var.jelou_base_url
  client_id     = var.jelou_client_id
  client_secret = var.jelou_client_secret
}

provider "jurichat" {
  base_url = var.jurichat_base_url
  api_key  = var.jurichat_api_key
}

resource "jelou_external_support" "bearer" {
  project_id    = var.project_bearer
  webhook_url   = "https://support.example.com/jelou"
  auth_type     = "bearer"
  authorization = var.bearer_token
}

resource "jurichat_webhook" "crm" {
  name   = "hygiene crm"
  url    = "https://crm.example.com/webhooks/jurichat"
  events = ["crm.lead.created", "crm.lead.updated"]
  headers = {
    "X-Crm-Token"   = var.crm_token
    "Authorization" = "Basic ${base64encode("crm-user:${var.crm_password}")}"
  }
}

import {
  to = jelou_external_support.basic
  id = var.project_basic
}

resource "jelou_external_support" "basic" {
  project_id               = var.project_basic
  webhook_url              = "https://support.example.com/jelou/basic"
  auth_type                = "basic"
  authorization_wo         = var.basic_credential
  authorization_wo_version = 1
}

import {
  to = jurichat_webhook.tenant
  id = var.tenant_id
}

resource "jurichat_webhook" "tenant" {
  name    = "hygiene tenant"
  url     = "https://tenant.example.com/hook"
  events  = ["contact.created"]
  headers = { "X-Api-Key" = var.tenant_key }
}
`

// A create refused with 409: the project already has an integration.
const conflictConfig = `
terraform {
  required_providers {
    jelou = { source = "externalsupport/jelou" }
  }
}

variable "jelou_base_url" { type = string }
variable "project_conflict" { type = string }
variable "bearer_token" {
  type      = string
  sensitive = true
}

provider "jelou" {
  base_url = var.jelou_base_url
}

resource "jelou_external_support" "taken" {
  project_id    = var.project_conflict
  webhook_url   = "https://support.example.com/jelou/taken"
  auth_type     = "bearer"
  authorization = var.bearer_token
}
`

// session runs Terraform commands against the build and the emulator, each
// at TRACE level with its own log file, and keeps every output.
type session struct {
	t        *testing.T
	ctx      context.Context
	cli      string
	cliCfg   string
	captures string
	emu      *emulator.Server
	secrets  *secretSet
	n        int
	// noTrace runs commands without TF_LOG: only their output is captured.
	noTrace bool
}

// result is one finished command.
type result struct {
	name           string
	code           int
	stdout, stderr string
	trace          string // TF_LOG_PATH
}

// terraform runs `terraform sub flags... -no-color args...` in dir with env
// added; flags must precede positional arguments, so args holds both and
// -no-color is put right after sub.
func (s *session) terraform(dir string, env []string, sub string, args ...string) result {
	s.t.Helper()
	s.n++
	name := fmt.Sprintf("%02d-%s-%s", s.n, filepath.Base(dir), sub)
	trace := filepath.Join(s.captures, name+".trace.log")
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(s.ctx, commandTimeout)
	defer cancel()
	_, err := tfrun.Command{
		Name:   "terraform " + sub,
		Path:   s.cli,
		Args:   append([]string{sub, "-no-color"}, args...),
		Dir:    dir,
		Env:    tfrun.Env(s.cliCfg, append(s.logEnv(trace), env...)...),
		Stdout: &stdout,
		Stderr: &stderr,
	}.Run(ctx)
	code := 0
	var exitErr *tfrun.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.Code
	case err != nil:
		s.t.Fatalf("%s: %v", name, err)
	}
	for ext, data := range map[string][]byte{".stdout": stdout.Bytes(), ".stderr": stderr.Bytes()} {
		if err := os.WriteFile(filepath.Join(s.captures, name+ext), data, 0o600); err != nil {
			s.t.Fatal(err)
		}
	}
	s.collectServerSecrets()
	return result{name: name, code: code, stdout: stdout.String(), stderr: stderr.String(), trace: trace}
}

// logEnv is the TRACE logging of a command, none when noTrace.
func (s *session) logEnv(trace string) []string {
	if s.noTrace {
		return nil
	}
	return []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + trace}
}

// expect fails the test unless the command exited with code and its output
// matches every pattern. What it shows of the output is redacted.
func (s *session) expect(r result, code int, patterns ...string) {
	s.t.Helper()
	out := r.stdout + "\n" + r.stderr
	problem := ""
	if r.code != code {
		problem = fmt.Sprintf("exited with %d, want %d", r.code, code)
	}
	for _, p := range patterns {
		if problem == "" && !regexp.MustCompile(p).MatchString(out) {
			problem = fmt.Sprintf("output does not match %q", p)
		}
	}
	if problem != "" {
		s.t.Fatalf("%s %s. Its output, secrets redacted:\n%s", r.name, problem, tail(s.secrets.redact(out), 60))
	}
}

// collectServerSecrets adds the secrets the emulator holds (signing secrets,
// webhook secrets, stored credentials, header values): objects are deleted
// along the way, so they are collected after every command.
func (s *session) collectServerSecrets() {
	for _, in := range s.emu.JelouIntegrations() {
		s.secrets.add("signing secret of Jelou integration "+in.ID, in.SigningSecret)
		s.secrets.add("credential stored on Jelou integration "+in.ID, in.Authorization)
	}
	for _, h := range s.emu.JurichatWebhooks() {
		s.secrets.add("secret of JuriChat webhook "+h.ID, h.Secret)
		for name, v := range h.Headers {
			s.secrets.add(fmt.Sprintf("header %s of JuriChat webhook %s", name, h.ID), v)
		}
	}
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(all) > lines {
		all = append([]string{"…"}, all[len(all)-lines:]...)
	}
	return strings.Join(all, "\n")
}

// vars turns name/value pairs into TF_VAR_ environment entries.
func vars(pairs map[string]string) []string {
	out := make([]string, 0, len(pairs))
	for k, v := range pairs {
		out = append(out, "TF_VAR_"+k+"="+v)
	}
	sort.Strings(out)
	return out
}

func writeConfig(t *testing.T, dir, config string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestHygiene_lifecycle builds both providers, wires them in with
// dev_overrides, and runs with TF_LOG=TRACE: plan, apply, an empty plan, an
// update that rotates every credential (saved plan, show, apply), terraform
// import and an import-block plan into a second configuration, a rejected
// API key and token (401), a create refused with 409, and destroy. Then no
// stdout, stderr or TRACE log may hold any secret used, in any form.
func TestHygiene_lifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the providers and runs a Terraform CLI")
	}
	acctest.PreCheck(t)
	cli := acctest.FindCLI()
	if cli.Version.LessThan(version.Must(version.NewVersion("1.11.0"))) {
		t.Skipf("%s %s: write-only arguments need 1.11 or later", cli.Product, cli.Version)
	}
	ctx := t.Context()

	work := t.TempDir()
	captures := filepath.Join(work, "captures")
	if keep := os.Getenv(EnvCaptureDir); keep != "" {
		captures = keep
	}
	if err := os.MkdirAll(captures, 0o755); err != nil {
		t.Fatal(err)
	}

	// Build the provider binary as terraform-provider-jelou and -jurichat.
	cliCfg := acctest.BuildProviders(t, work, "hygiene test")

	// Every secret of the run, known to the test before it starts.
	secrets := newSecretSet()
	v := map[string]string{
		"jelou api key":              randomSecret("jelou-key"),
		"jelou client id":            randomSecret("jelou-client"),
		"jelou client secret":        randomSecret("jelou-secret"),
		"jurichat token":             randomSecret("jurichat-token"),
		"jurichat api key":           randomSecret("jurichat-key"),
		"wrong jelou api key":        randomSecret("wrong-jelou-key"),
		"wrong jurichat token":       randomSecret("wrong-jurichat-token"),
		"bearer authorization":       randomSecret("bearer"),
		"rotated bearer":             randomSecret("bearer-rotated"),
		"write-only basic password":  randomSecret("basic-pw"),
		"rotated basic password":     randomSecret("basic-pw-rotated"),
		"crm token header":           randomSecret("crm-token"),
		"rotated crm token header":   randomSecret("crm-token-rotated"),
		"crm basic password":         randomSecret("crm-pw"),
		"rotated crm basic password": randomSecret("crm-pw-rotated"),
		"tenant key header":          randomSecret("tenant-key"),
		"rotated tenant key header":  randomSecret("tenant-key-rotated"),
		"conflict credential":        randomSecret("conflict"),
		"out-of-band credential":     randomSecret("oob"),
	}
	for label, value := range v {
		secrets.add(label, value)
	}
	secrets.addBasic("jelou client secret (HTTP Basic)", v["jelou client id"], v["jelou client secret"])
	secrets.addBasic("write-only basic credential", "panel-user", v["write-only basic password"])
	secrets.addBasic("rotated write-only basic credential", "panel-user", v["rotated basic password"])
	secrets.addBasic("crm Authorization header", "crm-user", v["crm basic password"])
	secrets.addBasic("rotated crm Authorization header", "crm-user", v["rotated crm basic password"])

	// The emulator, in process on 127.0.0.1, with these credentials.
	emu := acctest.StartEmulator(t, func(o *emulator.Options) {
		o.JelouAPIKey = v["jelou api key"]
		o.JelouClientID = v["jelou client id"]
		o.JelouClientSecret = v["jelou client secret"]
		o.JurichatToken = v["jurichat token"]
		o.JurichatAPIKey = v["jurichat api key"]
	})

	s := &session{t: t, ctx: ctx, cli: cli.Path, cliCfg: cliCfg, captures: captures, emu: emu, secrets: secrets}
	projects := map[string]string{
		"project_bearer": acctest.RandomName("hyg-bearer-"),
		"project_basic":  acctest.RandomName("hyg-basic-"),
		"project_relay":  acctest.RandomName("hyg-relay-"),
	}
	mainDir, importDir, conflictDir := filepath.Join(work, "main"), filepath.Join(work, "import"), filepath.Join(work, "conflict")
	writeConfig(t, mainDir, mainConfig)
	writeConfig(t, importDir, importConfig)
	writeConfig(t, conflictDir, conflictConfig)

	mainVars := func(rotated bool) map[string]string {
		m := map[string]string{
			"jelou_base_url": emu.JelouURL(), "jurichat_base_url": emu.JurichatURL(),
			"project_bearer": projects["project_bearer"], "project_basic": projects["project_basic"], "project_relay": projects["project_relay"],
			"bearer_token":      v["bearer authorization"],
			"basic_credential":  "panel-user:" + v["write-only basic password"],
			"basic_version":     "1",
			"secret_generation": "1",
			"crm_token":         v["crm token header"],
			"crm_password":      v["crm basic password"],
			"tenant_key":        v["tenant key header"],
		}
		if rotated {
			m["bearer_token"] = v["rotated bearer"]
			m["basic_credential"] = "panel-user:" + v["rotated basic password"]
			m["basic_version"] = "2"
			m["secret_generation"] = "2" // the bearer integration's signing secret is regenerated
			m["crm_token"] = v["rotated crm token header"]
			m["crm_password"] = v["rotated crm basic password"]
			m["tenant_key"] = v["rotated tenant key header"]
		}
		return m
	}
	mainEnv := func(rotated bool) []string {
		return append(vars(mainVars(rotated)), "JELOU_API_KEY="+v["jelou api key"], "JURICHAT_TOKEN="+v["jurichat token"])
	}

	// Create.
	r := s.terraform(mainDir, mainEnv(false), "plan")
	s.expect(r, 0, `Plan: 5 to add, 0 to change, 0 to destroy`)
	r = s.terraform(mainDir, mainEnv(false), "apply", "-auto-approve")
	s.expect(r, 0, `Apply complete! Resources: 5 added`)
	createApply := r.name
	checkServer(t, emu, projects, v, false)

	// Nothing to do.
	r = s.terraform(mainDir, mainEnv(false), "plan", "-detailed-exitcode")
	s.expect(r, 0, `No changes`)

	// Rotate every credential, and regenerate a signing secret in place: a
	// saved plan, shown, then applied. The new signing secret is collected
	// after the apply, and must appear nowhere either.
	before, _ := emu.JelouIntegration(projects["project_bearer"])
	r = s.terraform(mainDir, mainEnv(true), "plan", "-out=rotate.tfplan")
	s.expect(r, 0, `Plan: 0 to add, 4 to change, 0 to destroy`, `Jelou Signing Secret Will Be Regenerated`)
	r = s.terraform(mainDir, mainEnv(true), "show", "rotate.tfplan")
	s.expect(r, 0, `will be updated in-place`)
	r = s.terraform(mainDir, mainEnv(true), "apply", "-auto-approve", "rotate.tfplan")
	s.expect(r, 0, `Apply complete! Resources: 0 added, 4 changed`)
	checkServer(t, emu, projects, v, true)
	after, _ := emu.JelouIntegration(projects["project_bearer"])
	if after.ID != before.ID || after.SigningSecret == before.SigningSecret || after.SigningSecret == "" {
		t.Error("the rotation did not regenerate the bearer integration's signing secret in place")
	}
	if n := emu.RequestCounts()["POST /jelou/v1/external-support/{projectId}/secret/regenerate"]; n != 1 {
		t.Errorf("%d regenerate requests, want 1", n)
	}
	r = s.terraform(mainDir, mainEnv(true), "plan", "-detailed-exitcode")
	s.expect(r, 0, `No changes`)

	// Adopt into a second configuration, authenticated the other way.
	crm, tenant := webhookByName(t, emu, "hygiene crm"), webhookByName(t, emu, "hygiene tenant")
	importEnv := vars(map[string]string{
		"jelou_base_url": emu.JelouURL(), "jurichat_base_url": emu.JurichatURL(),
		"project_bearer": projects["project_bearer"], "project_basic": projects["project_basic"], "tenant_id": tenant,
		"jelou_client_id": v["jelou client id"], "jelou_client_secret": v["jelou client secret"],
		"jurichat_api_key": v["jurichat api key"],
		"bearer_token":     v["rotated bearer"],
		"basic_credential": "panel-user:" + v["rotated basic password"],
		"crm_token":        v["rotated crm token header"],
		"crm_password":     v["rotated crm basic password"],
		"tenant_key":       v["rotated tenant key header"],
	})
	r = s.terraform(importDir, importEnv, "import", "jelou_external_support.bearer", projects["project_bearer"])
	s.expect(r, 0, `Import successful`)
	r = s.terraform(importDir, importEnv, "import", "jurichat_webhook.crm", crm)
	s.expect(r, 0, `Import successful`)
	r = s.terraform(importDir, importEnv, "plan")
	s.expect(r, 0, `Plan: 2 to import`)

	// A rejected API key and token: 401 from both APIs.
	wrongEnv := append(vars(mainVars(true)), "JELOU_API_KEY="+v["wrong jelou api key"], "JURICHAT_TOKEN="+v["wrong jurichat token"])
	r = s.terraform(mainDir, wrongEnv, "plan")
	s.expect(r, 1, `(?s)Error Reading Jelou External Support Integration.*HTTP 401`, `(?s)Error Reading JuriChat Webhook.*HTTP 401`)

	// A create refused with 409.
	jc, err := jelou.NewClient(jelou.Config{BaseURL: emu.JelouURL(), APIKey: v["jelou api key"]})
	if err != nil {
		t.Fatal(err)
	}
	conflictProject := acctest.RandomName("hyg-conflict-")
	if _, err := jc.CreateIntegration(ctx, conflictProject, jelou.CreateIntegrationRequest{
		WebhookURL: "https://other.example.com/hook", AuthType: "bearer", Authorization: v["out-of-band credential"],
	}); err != nil {
		t.Fatalf("creating the integration the 409 is about: %v", err)
	}
	s.collectServerSecrets()
	conflictEnv := append(vars(map[string]string{
		"jelou_base_url": emu.JelouURL(), "project_conflict": conflictProject, "bearer_token": v["conflict credential"],
	}), "JELOU_API_KEY="+v["jelou api key"])
	r = s.terraform(conflictDir, conflictEnv, "apply", "-auto-approve")
	s.expect(r, 1, `(?s)Error Creating Jelou External Support Integration.*HTTP 409`)

	// Destroy.
	r = s.terraform(mainDir, mainEnv(true), "destroy", "-auto-approve")
	s.expect(r, 0, `Destroy complete! Resources: 5 destroyed`)
	if n := len(emu.JurichatWebhooks()); n != 0 {
		t.Errorf("the server holds %d webhooks after destroy", n)
	}
	if n := len(emu.JelouIntegrations()); n != 1 {
		t.Errorf("the server holds %d integrations after destroy, want only the out-of-band one", n)
	}

	checkCredentialsSent(t, emu, v)
	checkTraceActive(t, captures, createApply)
	checkNoSecrets(t, captures, secrets)
}

// checkCredentialsSent checks that every provider credential, in each
// authentication mode, really went over the wire (and the wrong ones too).
func checkCredentialsSent(t *testing.T, emu *emulator.Server, v map[string]string) {
	t.Helper()
	want := map[string]func(h map[string][]string) bool{
		"the Jelou API key": func(h map[string][]string) bool { return first(h, "X-Api-Key") == v["jelou api key"] },
		"the Jelou client credentials": func(h map[string][]string) bool {
			return first(h, "Authorization") == "Basic "+base64.StdEncoding.EncodeToString([]byte(v["jelou client id"]+":"+v["jelou client secret"]))
		},
		"the JuriChat token":      func(h map[string][]string) bool { return first(h, "Authorization") == "Bearer "+v["jurichat token"] },
		"the JuriChat API key":    func(h map[string][]string) bool { return first(h, "X-Jurichat-Api-Key") == v["jurichat api key"] },
		"the wrong Jelou API key": func(h map[string][]string) bool { return first(h, "X-Api-Key") == v["wrong jelou api key"] },
		"the wrong JuriChat token": func(h map[string][]string) bool {
			return first(h, "Authorization") == "Bearer "+v["wrong jurichat token"]
		},
	}
	for what, sent := range want {
		found := false
		for _, r := range emu.Requests() {
			if sent(r.Header) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no request to the server carried %s", what)
		}
	}
}

func first(h map[string][]string, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// checkServer checks that the secrets were really used: the emulator holds
// the credentials and header values the configuration set, and the relay's
// credential is the CRM webhook's secret (the ephemeral resource worked).
func checkServer(t *testing.T, emu *emulator.Server, projects, v map[string]string, rotated bool) {
	t.Helper()
	want := map[string]string{
		projects["project_bearer"]: v["bearer authorization"],
		projects["project_basic"]:  "panel-user:" + v["write-only basic password"],
	}
	crmToken, crmPassword, tenantKey := v["crm token header"], v["crm basic password"], v["tenant key header"]
	if rotated {
		want[projects["project_bearer"]] = v["rotated bearer"]
		want[projects["project_basic"]] = "panel-user:" + v["rotated basic password"]
		crmToken, crmPassword, tenantKey = v["rotated crm token header"], v["rotated crm basic password"], v["rotated tenant key header"]
	}
	for project, credential := range want {
		in, ok := emu.JelouIntegration(project)
		if !ok {
			t.Fatalf("the server holds no integration for project %s", project)
		}
		if in.Authorization != credential {
			t.Errorf("the integration of project %s does not hold the configured credential", project)
		}
	}
	crm, ok := emu.JurichatWebhook(webhookByName(t, emu, "hygiene crm"))
	if !ok {
		t.Fatal("the CRM webhook is gone")
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("crm-user:"+crmPassword))
	if crm.Headers["X-Crm-Token"] != crmToken || crm.Headers["Authorization"] != basic {
		t.Error("the CRM webhook does not hold the configured header values")
	}
	tenant, _ := emu.JurichatWebhook(webhookByName(t, emu, "hygiene tenant"))
	if tenant.Headers["X-Api-Key"] != tenantKey {
		t.Error("the tenant webhook does not hold the configured header value")
	}
	relay, ok := emu.JelouIntegration(projects["project_relay"])
	if !ok || relay.Authorization == "" || relay.Authorization != crm.Secret {
		t.Error("the relay integration's credential is not the CRM webhook's secret: the ephemeral resource was not exercised")
	}
}

func webhookByName(t *testing.T, emu *emulator.Server, name string) string {
	t.Helper()
	for _, h := range emu.JurichatWebhooks() {
		if h.Name == name {
			return h.ID
		}
	}
	t.Fatalf("the server holds no webhook named %q", name)
	return ""
}

// checkTraceActive makes sure the search below cannot pass for want of
// anything to search: every command left output and a TRACE log, and the
// logs of the commands that called the providers hold their RPC traces and
// the providers' own log lines. createApply names the apply that created the
// relay integration, whose write-only credential every CLI must read by
// opening the ephemeral resource: its log holds that RPC. (Later applies need
// not open it: OpenTofu does not when the relay is unchanged.)
func checkTraceActive(t *testing.T, captures, createApply string) {
	t.Helper()
	entries, err := os.ReadDir(captures)
	if err != nil {
		t.Fatal(err)
	}
	traces, createTraced := 0, false
	for _, e := range entries {
		name := e.Name()
		data, err := os.ReadFile(filepath.Join(captures, name))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(name, ".stdout"):
			if len(bytes.TrimSpace(data)) == 0 {
				// Every command prints its result on stdout (errors on stderr).
				stderr, _ := os.ReadFile(filepath.Join(captures, strings.TrimSuffix(name, ".stdout")+".stderr"))
				if len(bytes.TrimSpace(stderr)) == 0 {
					t.Errorf("%s printed nothing at all", strings.TrimSuffix(name, ".stdout"))
				}
			}
		case strings.HasSuffix(name, ".trace.log"):
			traces++
			log := string(data)
			for _, want := range []string{"[TRACE]", "provider.terraform-provider-", "tf_rpc=", "@module=sdk.framework"} {
				if !strings.Contains(log, want) {
					t.Errorf("%s has no %q: TRACE logging of Terraform and the providers was not active", name, want)
				}
			}
			if strings.Contains(name, "-apply") && !strings.Contains(log, "tf_rpc=ApplyResourceChange") {
				t.Errorf("%s has no ApplyResourceChange trace", name)
			}
			if strings.Contains(name, "-main-apply") {
				// The providers' own log lines (tflog's @module is the provider
				// name), with values from the configuration next to the secrets.
				for _, want := range []string{"@module=jelou", "@module=jurichat", "project_id=hyg-"} {
					if !strings.Contains(log, want) {
						t.Errorf("%s has no %q: the providers' own TRACE logging was not captured", name, want)
					}
				}
			}
			if name == createApply+".trace.log" {
				createTraced = true
				for _, want := range []string{"tf_rpc=OpenEphemeralResource", "tf_ephemeral_resource_type=jurichat_webhook_secret"} {
					if !strings.Contains(log, want) {
						t.Errorf("%s has no %q: the ephemeral resource's TRACE logging was not captured", name, want)
					}
				}
			}
		}
	}
	if traces < 10 {
		t.Errorf("found %d TRACE logs, want one per command", traces)
	}
	if !createTraced {
		t.Errorf("no TRACE log of %s, the apply that created the relay integration", createApply)
	}
}

// checkNoSecrets searches every capture for every form of every secret and
// reports each finding by label, file and line, never by value.
func checkNoSecrets(t *testing.T, captures string, secrets *secretSet) {
	t.Helper()
	forms := secrets.snapshot()
	if len(forms) < 40 {
		t.Fatalf("only %d secret forms to search for: the collection failed", len(forms))
	}
	entries, err := os.ReadDir(captures)
	if err != nil {
		t.Fatal(err)
	}
	var findings []finding
	for _, e := range entries {
		found, err := scanFile(filepath.Join(captures, e.Name()), e.Name(), forms)
		if err != nil {
			t.Fatal(err)
		}
		findings = append(findings, found...)
	}
	for _, f := range findings {
		t.Errorf("secret leaked: %s", f)
	}
	if len(findings) == 0 {
		t.Logf("searched %d files for %d forms of the secrets in play: none found", len(entries), len(forms))
	}
}
