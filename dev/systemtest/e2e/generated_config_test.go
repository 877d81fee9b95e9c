// Package e2e holds whole-system tests of what users do with the CLI that
// the acceptance-test framework cannot drive: here, planning with
// -generate-config-out and applying the configuration the CLI wrote.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/tfrun"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

const commandTimeout = 5 * time.Minute

// Two webhooks with a custom header, created outside Terraform, are brought
// under Terraform with import blocks and `plan -generate-config-out`; the CLI
// writes `headers = null # sensitive` for them. Applying that configuration
// must leave both webhooks' headers on the server, and plan nothing after.
func TestGeneratedConfig_importKeepsWebhookHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the providers and runs a Terraform CLI")
	}
	acctest.PreCheck(t)
	cli := acctest.FindCLI()
	ctx := t.Context()
	work := t.TempDir()

	cliCfg := acctest.BuildProviders(t, work, "generated-config test")

	emu := acctest.StartEmulator(t)
	client, err := jurichat.NewClient(jurichat.Config{BaseURL: emu.JurichatURL(), Token: emulator.DefaultJurichatToken})
	if err != nil {
		t.Fatal(err)
	}
	headers := map[string]map[string]string{}
	var imports string
	for i, team := range []string{"support", "billing"} {
		want := map[string]string{"X-Team": team, "X-Receiver-Token": acctest.RandomName("header-credential-")}
		hook, err := client.CreateWebhook(ctx, jurichat.CreateWebhookRequest{
			Name: "imported-" + team, URL: "https://hooks.example.com/" + team,
			Events: []string{"crm.lead.created"}, Headers: want,
		})
		if err != nil {
			t.Fatalf("creating a webhook outside Terraform: %v", err)
		}
		headers[hook.ID] = want
		imports += fmt.Sprintf("import {\n  to = jurichat_webhook.hook%d\n  id = %q\n}\n\n", i, hook.ID)
	}

	dir := filepath.Join(work, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	main := fmt.Sprintf(`terraform {
  required_providers {
    jurichat = { source = "externalsupport/jurichat" }
  }
}

provider "jurichat" {
  base_url = %q # JURICHAT_TOKEN from the environment
}

%s`, emu.JurichatURL(), imports)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		t.Helper()
		var out bytes.Buffer
		cctx, cancel := context.WithTimeout(ctx, commandTimeout)
		defer cancel()
		_, err := tfrun.Command{
			Name: tfrun.DisplayName(cli.Path) + " " + args[0], Path: cli.Path, Args: append([]string{args[0], "-no-color"}, args[1:]...),
			Dir: dir, Env: tfrun.Env(cliCfg, "JURICHAT_TOKEN="+emulator.DefaultJurichatToken), Stdout: &out, Stderr: &out,
		}.Run(cctx)
		var exit *tfrun.ExitError
		switch {
		case errors.As(err, &exit):
			return exit.Code, out.String()
		case err != nil:
			t.Fatalf("%s: %v", args[0], err)
		}
		return 0, out.String()
	}

	if code, out := run("plan", "-generate-config-out=generated.tf"); code != 0 {
		t.Fatalf("plan -generate-config-out exited %d:\n%s", code, out)
	}
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	// The premise: the CLI did not write the sensitive header values.
	if !regexp.MustCompile(`(?m)^\s*headers\s*=\s*null`).Match(generated) {
		t.Fatalf("generated.tf does not set headers = null; the test's premise does not hold:\n%s", generated)
	}
	for _, want := range headers {
		if bytes.Contains(generated, []byte(want["X-Receiver-Token"])) {
			t.Fatal("generated.tf holds a header value")
		}
	}

	emu.ResetRequests()
	if code, out := run("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply of the generated configuration exited %d:\n%s", code, out)
	}
	if n := emu.RequestCounts()["PATCH /jurichat/webhooks/{webhookId}"]; n != 0 {
		t.Errorf("the apply of an import with nothing to change sent %d PATCH requests", n)
	}
	for id, want := range headers {
		hook, ok := emu.JurichatWebhook(id)
		if !ok {
			t.Fatalf("webhook %s is gone after the apply", id)
		}
		if len(hook.Headers) != len(want) {
			t.Errorf("webhook %s has %d headers after applying the generated configuration, want %d", id, len(hook.Headers), len(want))
		}
		for name, value := range want {
			if hook.Headers[name] != value {
				t.Errorf("webhook %s lost or changed header %s when the generated configuration was applied", id, name)
			}
		}
	}
	if code, out := run("plan", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after the import is not empty (exit %d):\n%s", code, out)
	}
}
