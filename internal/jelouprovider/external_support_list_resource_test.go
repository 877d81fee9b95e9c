package jelouprovider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
)

// TestAccExternalSupportListResource: terraform query reads the listed
// projects; those with an integration are results (display name, identity,
// and the integration with include_resource), one without is absent.
func TestAccExternalSupportListResource(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "needs several projects")
	es, pt, none := target.ProjectID(), target.ProjectID(), target.ProjectID()
	config := target.ProviderConfig + fmt.Sprintf(`
resource "jelou_external_support" "es" {
  project_id  = %q
  webhook_url = "https://support.example.com/es"
}

resource "jelou_external_support" "pt" {
  project_id    = %q
  webhook_url   = "https://support.example.com/pt"
  auth_type     = "bearer"
  authorization = "list-bearer-credential"
}
`, es, pt)
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureListResources),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: target.Emulator.ResetRequests,
				Query:     true,
				Config: fmt.Sprintf(`
list "jelou_external_support" "team" {
  provider         = jelou
  include_resource = true
  config {
    project_ids = [%q, %q, %q]
  }
}
`, es, none, pt),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("jelou_external_support.team", 2),
					querycheck.ExpectIdentity("jelou_external_support.team", map[string]knownvalue.Check{"project_id": knownvalue.StringExact(es)}),
					querycheck.ExpectIdentity("jelou_external_support.team", map[string]knownvalue.Check{"project_id": knownvalue.StringExact(pt)}),
					querycheck.ExpectResourceDisplayName("jelou_external_support.team",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"project_id": knownvalue.StringExact(pt)}),
						knownvalue.StringExact(pt+" → https://support.example.com/pt (bearer)")),
					querycheck.ExpectResourceKnownValues("jelou_external_support.team",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"project_id": knownvalue.StringExact(es)}),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("webhook_url"), KnownValue: knownvalue.StringExact("https://support.example.com/es")},
							{Path: tfjsonpath.New("auth_type"), KnownValue: knownvalue.StringExact("no_auth")},
							{Path: tfjsonpath.New("brain_id"), KnownValue: knownvalue.StringExact(es)},
							{Path: tfjsonpath.New("signing_secret"), KnownValue: knownvalue.Null()},
						}),
				},
			},
		},
	})
}

// TestAccExternalSupportListResource_badInput: an empty project_ids, an
// invalid or repeated id are errors naming the attribute; an error other
// than "no integration" is an error, with the server's message and status.
func TestAccExternalSupportListResource_badInput(t *testing.T) {
	target := acctest.NewJelou(t, func(o *emulator.Options) { o.JelouShape = emulator.ShapeEnvelope })
	target.SkipOnReal(t, "needs the emulator's projects")
	query := func(ids string) string {
		return "list \"jelou_external_support\" \"team\" {\n  provider = jelou\n  config {\n    project_ids = " + ids + "\n  }\n}\n"
	}
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureListResources),
		Steps: []resource.TestStep{
			{Config: target.ProviderConfig},
			{Query: true, Config: query(`[]`), ExpectError: acctest.ErrorPattern(`Empty project_ids.*project_ids is empty`)},
			{Query: true, Config: query(`["a/b"]`), ExpectError: acctest.ErrorPattern(`Invalid Project ID.*project_ids\[0\] is "a/b"`)},
			{Query: true, Config: query(`["p1", "p1"]`), ExpectError: acctest.ErrorPattern(`Duplicate Project ID.*"p1" more than once`)},
		},
	})
}

// TestAccExternalSupportListResource_generateConfig: integrations made
// outside Terraform are found with terraform query -generate-config-out. The
// one without a webhook credential plans to import with nothing to change;
// for the one with a credential the query says what to add, the plan refuses
// to go on without it, and with it added the import sends it as an update.
func TestAccExternalSupportListResource_generateConfig(t *testing.T) {
	acctest.SkipUnless(t, acctest.FeatureListResources)
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "needs several projects")
	open, secured, none := target.ProjectID(), target.ProjectID(), target.ProjectID()
	if _, err := target.Client.CreateIntegration(t.Context(), open, jelou.CreateIntegrationRequest{WebhookURL: "https://support.example.com/open"}); err != nil {
		t.Fatal(err)
	}
	if _, err := target.Client.CreateIntegration(t.Context(), secured, jelou.CreateIntegrationRequest{
		WebhookURL: "https://support.example.com/secured", AuthType: "api_key", Authorization: "generated-config-credential",
	}); err != nil {
		t.Fatal(err)
	}

	ws := acctest.NewWorkspace(t, map[string]func() tfprotov6.ProviderServer{"jelou": providerserver.NewProtocol6(New("test")())})
	ws.Write("main.tf", target.ProviderConfig)
	ws.MustRun("init", "-no-color", "-input=false")
	ws.Write("find.tfquery.hcl", fmt.Sprintf(`
list "jelou_external_support" "team" {
  provider = jelou
  config {
    project_ids = [%q, %q, %q]
  }
}
`, open, none, secured))
	out := ws.MustRun("query", "-no-color", "-generate-config-out=generated.tf")
	if !strings.Contains(out, "Jelou Webhook Credential Not Readable") || !strings.Contains(out, "add authorization_wo") {
		t.Errorf("the query does not say what to add for the secured integration:\n%s", out)
	}
	generated := ws.Read("generated.tf")
	for _, p := range []string{open, secured} {
		if !regexp.MustCompile(`identity\s*=\s*\{\s*project_id\s*=\s*"` + p + `"`).MatchString(generated) {
			t.Errorf("generated configuration has no import by identity of project %s:\n%s", p, generated)
		}
	}
	if strings.Contains(generated, none) {
		t.Errorf("generated configuration names project %s, which has no integration", none)
	}

	// As generated, the plan stops at the missing credential, naming it.
	if out, err := ws.Run("plan", "-no-color", "-input=false"); err == nil || !strings.Contains(out, "Missing Webhook Credential") {
		t.Errorf("plan of the generated configuration: err %v\n%s", err, out)
	}

	// With the credential added as the warning says, the open integration
	// is imported unchanged and the secured one sends its credential once.
	block := strings.Index(generated, `resource "jelou_external_support" "team_1" {`)
	if block < 0 {
		t.Fatalf("generated configuration has no jelou_external_support.team_1:\n%s", generated)
	}
	rest := generated[block:]
	end := strings.Index(rest, "\n}")
	fixed := regexp.MustCompile(`authorization_wo\s*=\s*null # sensitive`).ReplaceAllString(rest[:end], "authorization_wo = var.secured_credential")
	fixed = regexp.MustCompile(`authorization_wo_version\s*=\s*null`).ReplaceAllString(fixed, "authorization_wo_version = 1")
	generated = generated[:block] + fixed + rest[end:]
	ws.Write("generated.tf", generated)
	ws.Write("variables.tf", `
variable "secured_credential" {
  type      = string
  sensitive = true
  default   = "generated-config-credential-2"
}
`)
	// Imported by identity, as by id, each integration comes with the warning
	// that its signing secret cannot be imported.
	if out := ws.MustRun("plan", "-no-color", "-input=false", "-out=tfplan"); strings.Count(out, "Signing Secret Not Imported") != 2 {
		t.Errorf("the plan does not warn, once per integration, that the signing secret cannot be imported:\n%s", out)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(ws.MustRun("show", "-json", "tfplan")), &plan); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"jelou_external_support.team_0": "no-op", "jelou_external_support.team_1": "update"}
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Importing) == 0 || len(rc.Change.Actions) != 1 || rc.Change.Actions[0] != want[rc.Address] {
			t.Errorf("%s: planned %v (importing %v), want an import with %s", rc.Address, rc.Change.Actions, len(rc.Change.Importing) > 0, want[rc.Address])
		}
	}
	if len(plan.ResourceChanges) != 2 {
		t.Errorf("the plan has %d resource changes, want 2", len(plan.ResourceChanges))
	}
	target.Emulator.ResetRequests()
	ws.MustRun("apply", "-no-color", "-input=false", "tfplan")
	stored, _ := target.Emulator.JelouIntegration(secured)
	if stored.Authorization != "generated-config-credential-2" || stored.AuthType != "api_key" {
		t.Errorf("after apply the secured integration has authType %q and the credential set: %v", stored.AuthType, stored.Authorization == "generated-config-credential-2")
	}
	if n := target.Emulator.RequestCounts()[patternPatch]; n != 1 {
		t.Errorf("the import sent %d updates, want 1 (the credential)", n)
	}
}
