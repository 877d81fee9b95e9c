package jurichatprovider

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

// TestAccWebhookListResource: terraform query finds the office's webhooks,
// each filter alone, with display names, identities and, with
// include_resource, the webhook as a refresh reads it.
func TestAccWebhookListResource(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "counts every webhook of the office")
	var leadsID, contactsID, pausedID string
	config := target.ProviderConfig + `
resource "jurichat_webhook" "leads" {
  name   = "Leads"
  url    = "https://crm.example.com/leads"
  events = ["crm.lead.created", "crm.lead.updated"]
}

resource "jurichat_webhook" "contacts" {
  name   = "Contacts"
  url    = "https://crm.example.com/contacts"
  events = ["contact.created"]
  headers = {
    "X-Crm-Token" = "list-header-credential"
  }
}

resource "jurichat_webhook" "paused" {
  name      = "Old receiver"
  url       = "https://old.example.com/hook"
  events    = ["crm.lead.created"]
  is_active = false
}
`
	byID := func(id *string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": acctest.StringAt(id)})
	}
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureListResources),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					recordAttr("jurichat_webhook.leads", &leadsID),
					recordAttr("jurichat_webhook.contacts", &contactsID),
					recordAttr("jurichat_webhook.paused", &pausedID),
				),
			},
			{
				Query: true,
				Config: `
list "jurichat_webhook" "all" {
  provider = jurichat
}

list "jurichat_webhook" "leads" {
  provider = jurichat
  config {
    event = "crm.lead.created"
  }
}

list "jurichat_webhook" "crm" {
  provider         = jurichat
  include_resource = true
  config {
    url_prefix = "https://crm.example.com/"
  }
}

list "jurichat_webhook" "active_leads" {
  provider = jurichat
  config {
    event     = "crm.lead.created"
    is_active = true
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("jurichat_webhook.all", 3),
					querycheck.ExpectLength("jurichat_webhook.leads", 2),
					querycheck.ExpectLength("jurichat_webhook.crm", 2),
					querycheck.ExpectLength("jurichat_webhook.active_leads", 1),
					querycheck.ExpectIdentity("jurichat_webhook.active_leads", map[string]knownvalue.Check{"id": acctest.StringAt(&leadsID)}),
					querycheck.ExpectIdentity("jurichat_webhook.all", map[string]knownvalue.Check{"id": acctest.StringAt(&pausedID)}),
					querycheck.ExpectResourceDisplayName("jurichat_webhook.all", byID(&leadsID),
						knownvalue.StringExact("Leads (https://crm.example.com/leads)")),
					querycheck.ExpectResourceDisplayName("jurichat_webhook.all", byID(&pausedID),
						knownvalue.StringExact("Old receiver (https://old.example.com/hook) [paused]")),
					querycheck.ExpectResourceKnownValues("jurichat_webhook.crm", byID(&contactsID), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("Contacts")},
						{Path: tfjsonpath.New("events"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("contact.created")})},
						{Path: tfjsonpath.New("is_active"), KnownValue: knownvalue.Bool(true)},
						{Path: tfjsonpath.New("office_id"), KnownValue: knownvalue.NotNull()},
					}),
				},
			},
		},
	})
}

func recordAttr(name string, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := primary(s, name)
		if err != nil {
			return err
		}
		*into = attrs["id"]
		return nil
	}
}

// TestAccWebhookListResource_generateConfig: webhooks made outside
// Terraform are found with terraform query -generate-config-out, and the
// generated configuration plans to import them with nothing to add, change
// or destroy, custom headers included (generated as null, which leaves
// them as they are); applied, the state holds each webhook with its secret.
func TestAccWebhookListResource_generateConfig(t *testing.T) {
	acctest.SkipUnless(t, acctest.FeatureListResources)
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "imports every webhook of the office")
	first := createWebhook(t, target, "First", "https://crm.example.com/first", "crm.lead.created")
	desc := "second webhook"
	second, err := target.Client.CreateWebhook(t.Context(), jurichat.CreateWebhookRequest{
		Name: "Second", URL: "https://crm.example.com/second", Events: []string{"contact.created", "contact.updated"},
		Description: &desc, IsActive: new(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	withHeaders, err := target.Client.CreateWebhook(t.Context(), jurichat.CreateWebhookRequest{
		Name: "Secured", URL: "https://secured.example.com/hook", Events: []string{"contact.created"},
		Headers: map[string]string{"X-Token": "generated-config-credential"},
	})
	if err != nil {
		t.Fatal(err)
	}

	ws := newJurichatWorkspace(t, target, "")
	ws.Write("find.tfquery.hcl", `
list "jurichat_webhook" "crm" {
  provider = jurichat
  config {
    url_prefix = "https://crm.example.com/"
  }
}

list "jurichat_webhook" "secured" {
  provider = jurichat
  config {
    url_prefix = "https://secured.example.com/"
  }
}
`)
	out := ws.MustRun("query", "-no-color", "-generate-config-out=generated.tf")
	for _, want := range []string{"First (https://crm.example.com/first)", "Second (https://crm.example.com/second) [paused]",
		"Secured (https://secured.example.com/hook)"} {
		if !strings.Contains(out, want) {
			t.Errorf("query output lacks %q:\n%s", want, out)
		}
	}
	generated := ws.Read("generated.tf")
	if strings.Contains(out, "generated-config-credential") || strings.Contains(generated, "generated-config-credential") {
		t.Fatal("a header value reached the query output or the generated configuration")
	}
	for _, id := range []string{first.ID, second.ID, withHeaders.ID} {
		if !regexp.MustCompile(`identity\s*=\s*\{\s*id\s*=\s*"` + id + `"`).MatchString(generated) {
			t.Errorf("generated configuration has no import by identity of %s:\n%s", id, generated)
		}
	}

	// As generated (headers = null # sensitive: left as they are), the
	// configuration imports all three with nothing to change.
	checkImportOnly(t, ws, 3)
	ws.MustRun("apply", "-no-color", "-input=false", "tfplan")

	state := showState(t, ws)
	for _, h := range []*jurichat.Webhook{first, second, withHeaders} {
		stored, _ := target.Emulator.JurichatWebhook(h.ID)
		got, ok := state[h.ID]
		if !ok {
			t.Errorf("webhook %s is not in the state", h.ID)
			continue
		}
		if got["secret"] != stored.Secret {
			t.Errorf("webhook %s: the imported secret differs from the server's", h.ID)
		}
	}
	// Nothing was changed on the server by the import: the headers are still there.
	if n := target.Emulator.RequestCounts()[patternPatch]; n != 0 {
		t.Errorf("the import sent %d updates", n)
	}
	if stored, _ := target.Emulator.JurichatWebhook(withHeaders.ID); stored.Headers["X-Token"] != "generated-config-credential" {
		t.Errorf("the imported webhook lost its header: names %v", sortedKeys(stored.Headers))
	}
	// And the next plan is empty.
	if out, err := ws.Run("plan", "-no-color", "-input=false", "-detailed-exitcode"); err != nil {
		t.Errorf("the plan after importing is not empty (%v):\n%s", err, out)
	}
}

// checkImportOnly plans the workspace into tfplan and checks the plan
// imports n resources and changes nothing.
func checkImportOnly(t *testing.T, ws *acctest.Workspace, n int) {
	t.Helper()
	ws.MustRun("plan", "-no-color", "-input=false", "-out=tfplan")
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
		t.Fatalf("reading the plan: %v", err)
	}
	imports := 0
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Actions) != 1 || rc.Change.Actions[0] != "no-op" {
			t.Errorf("%s: planned %v, want only an import (no-op)\n%s", rc.Address, rc.Change.Actions, ws.MustRun("show", "-no-color", "tfplan"))
		}
		if len(rc.Change.Importing) > 0 {
			imports++
		}
	}
	if imports != n {
		t.Errorf("the plan imports %d resources, want %d", imports, n)
	}
}

// showState returns the attributes of every resource in the workspace's
// state, by id.
func showState(t *testing.T, ws *acctest.Workspace) map[string]map[string]any {
	t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(ws.MustRun("show", "-json")), &state); err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	out := map[string]map[string]any{}
	for _, r := range state.Values.RootModule.Resources {
		if id, ok := r.Values["id"].(string); ok {
			out[id] = r.Values
		}
	}
	return out
}
