package jelouprovider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
)

const resName = "jelou_external_support.test"

const (
	patternCreate = "POST /jelou/v1/external-support/{projectId}"
	patternPatch  = "PATCH /jelou/v1/external-support/{projectId}"
)

func integrationConfig(target *acctest.Jelou, projectID, body string) string {
	return target.ProviderConfig + fmt.Sprintf(`
resource "jelou_external_support" "test" {
  project_id = %q
%s
}

output "signing_secret" {
  value     = jelou_external_support.test.signing_secret
  sensitive = true
}
`, projectID, body)
}

// serverSecret returns the signing secret the emulator issued for projectID.
func serverSecret(target *acctest.Jelou, projectID string) func() (string, error) {
	return func() (string, error) {
		in, ok := target.Emulator.JelouIntegration(projectID)
		if !ok {
			return "", fmt.Errorf("the emulator holds no integration for project %q", projectID)
		}
		return in.SigningSecret, nil
	}
}

// checkServer checks the integration as the server holds it.
func checkServer(target *acctest.Jelou, projectID string, want func(in *jelou.Integration, stored *emulator.JelouIntegration) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := target.Client.GetIntegration(context.Background(), projectID)
		if err != nil {
			return fmt.Errorf("reading the integration back from the server: %w", err)
		}
		var stored *emulator.JelouIntegration
		if target.Emulator != nil {
			s, ok := target.Emulator.JelouIntegration(projectID)
			if !ok {
				return fmt.Errorf("the emulator holds no integration for project %q", projectID)
			}
			stored = &s
		}
		return want(got, stored)
	}
}

func checkNoIntegration(target *acctest.Jelou, projectID string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := target.Client.GetIntegration(context.Background(), projectID)
		if errors.Is(err, jelou.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("integration for project %q still exists after destroy", projectID)
	}
}

func TestAccExternalSupport_lifecycle(t *testing.T) {
	target := acctest.NewJelou(t)
	projectID := target.ProjectID()
	compareID := statecheck.CompareValue(compare.ValuesSame())
	compareSecret := statecheck.CompareValue(compare.ValuesSame())

	steps := []resource.TestStep{
		{
			Config: integrationConfig(target, projectID, `
  webhook_url   = "https://support.example.com/jelou"
  auth_type     = "bearer"
  authorization = "initial-bearer-credential"
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate),
					plancheck.ExpectSensitiveValue(resName, tfjsonpath.New("signing_secret")),
					plancheck.ExpectSensitiveValue(resName, tfjsonpath.New("authorization")),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("project_id"), knownvalue.StringExact(projectID)),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("webhook_url"), knownvalue.StringExact("https://support.example.com/jelou")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("auth_type"), knownvalue.StringExact("bearer")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("brain_id"), knownvalue.StringExact(projectID)),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("created_at"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
				statecheck.ExpectSensitiveValue(resName, tfjsonpath.New("signing_secret")),
				statecheck.ExpectKnownOutputValue("signing_secret", knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
				compareID.AddStateValue(resName, tfjsonpath.New("id")),
				compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkServer(target, projectID, func(in *jelou.Integration, stored *emulator.JelouIntegration) error {
					if in.WebhookURL != "https://support.example.com/jelou" || in.AuthType != "bearer" {
						return fmt.Errorf("server holds webhookUrl %q authType %q", in.WebhookURL, in.AuthType)
					}
					if stored != nil && stored.Authorization != "initial-bearer-credential" {
						return errors.New("the server did not receive the configured authorization")
					}
					return nil
				}),
			),
		},
		// Refresh, then an empty plan: nothing drifts and the secret survives a refresh.
		{RefreshState: true},
		{
			Config: integrationConfig(target, projectID, `
  webhook_url   = "https://support.example.com/jelou"
  auth_type     = "bearer"
  authorization = "initial-bearer-credential"
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
			},
		},
		// Import by project id: everything but what the API cannot return.
		{
			ResourceName:                         resName,
			ImportState:                          true,
			ImportStateId:                        projectID,
			ImportStateVerify:                    true,
			ImportStateVerifyIdentifierAttribute: "project_id",
			ImportStateVerifyIgnore:              []string{"signing_secret", "authorization"},
		},
		// Update in place: same id, same secret, only the changed fields sent.
		{
			Config: integrationConfig(target, projectID, `
  webhook_url   = "https://support.example.com/jelou/v2"
  auth_type     = "api_key"
  authorization = "initial-bearer-credential"
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				compareID.AddStateValue(resName, tfjsonpath.New("id")),
				compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("webhook_url"), knownvalue.StringExact("https://support.example.com/jelou/v2")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("auth_type"), knownvalue.StringExact("api_key")),
			},
			Check: checkServer(target, projectID, func(in *jelou.Integration, _ *emulator.JelouIntegration) error {
				if in.WebhookURL != "https://support.example.com/jelou/v2" || in.AuthType != "api_key" {
					return fmt.Errorf("server holds webhookUrl %q authType %q after update", in.WebhookURL, in.AuthType)
				}
				return nil
			}),
		},
		// Rotate the credential in state, then drop to no_auth: the credential is cleared on the server.
		{
			Config: integrationConfig(target, projectID, `
  webhook_url   = "https://support.example.com/jelou/v2"
  auth_type     = "api_key"
  authorization = "rotated-api-key-credential"
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{compareID.AddStateValue(resName, tfjsonpath.New("id"))},
			Check: checkServer(target, projectID, func(_ *jelou.Integration, stored *emulator.JelouIntegration) error {
				if stored != nil && stored.Authorization != "rotated-api-key-credential" {
					return errors.New("the server did not receive the rotated authorization")
				}
				return nil
			}),
		},
		{
			Config: integrationConfig(target, projectID, `
  webhook_url = "https://support.example.com/jelou/v2"
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				compareID.AddStateValue(resName, tfjsonpath.New("id")),
				compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("auth_type"), knownvalue.StringExact("no_auth")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("authorization"), knownvalue.Null()),
			},
			Check: checkServer(target, projectID, func(in *jelou.Integration, stored *emulator.JelouIntegration) error {
				if in.AuthType != "no_auth" {
					return fmt.Errorf("server holds authType %q, want no_auth", in.AuthType)
				}
				if stored != nil && stored.Authorization != "" {
					return errors.New("the server still holds a credential after switching to no_auth")
				}
				return nil
			}),
		},
	}
	if !target.Real() {
		// The server's secret is visible only on the emulator.
		steps[0].Check = resource.ComposeAggregateTestCheckFunc(steps[0].Check,
			acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)))
		steps[0].Check = resource.ComposeAggregateTestCheckFunc(steps[0].Check, checkRequests(target))
	}

	acctest.Run(t, target.Real(), resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoIntegration(target, projectID),
		Steps:                    steps,
	})
}

// checkRequests asserts on what the emulator received for the create.
func checkRequests(target *acctest.Jelou) resource.TestCheckFunc {
	return func(*terraform.State) error {
		bodies, err := acctest.RequestBodies(target.Emulator, patternCreate)
		if err != nil {
			return err
		}
		if len(bodies) != 1 {
			return fmt.Errorf("the server received %d create requests, want 1", len(bodies))
		}
		b := bodies[0]
		if b["webhookUrl"] != "https://support.example.com/jelou" || b["authType"] != "bearer" || b["authorization"] != "initial-bearer-credential" {
			return fmt.Errorf("create body has webhookUrl=%v authType=%v and authorization set=%v", b["webhookUrl"], b["authType"], b["authorization"] != nil)
		}
		for _, r := range target.Emulator.Requests() {
			if r.Header.Get("x-api-key") == "" {
				return fmt.Errorf("%s %s was sent without the x-api-key header", r.Method, r.Path)
			}
			if ua := r.Header.Get("User-Agent"); ua != "terraform-provider-jelou/test" && ua != "terraform-provider-jelou-acctest" {
				return fmt.Errorf("%s %s was sent with User-Agent %q", r.Method, r.Path, ua)
			}
		}
		return nil
	}
}

// The update step sends only what changed.
func TestAccExternalSupport_updateSendsOnlyChanges(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "inspects the request bodies the server received")
	projectID := target.ProjectID()

	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: integrationConfig(target, projectID, `  webhook_url = "https://a.example.com/hook"`)},
			{
				Config: integrationConfig(target, projectID, `  webhook_url = "https://b.example.com/hook"`),
				Check: func(*terraform.State) error {
					bodies, err := acctest.RequestBodies(target.Emulator, patternPatch)
					if err != nil {
						return err
					}
					if len(bodies) != 1 {
						return fmt.Errorf("got %d PATCH requests, want 1", len(bodies))
					}
					if len(bodies[0]) != 1 || bodies[0]["webhookUrl"] != "https://b.example.com/hook" {
						return fmt.Errorf("PATCH body has fields %v, want only webhookUrl", keys(bodies[0]))
					}
					return nil
				},
			},
		},
	})
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// An integration deleted outside Terraform is removed from state with a
// warning and created again, with a new secret.
func TestAccExternalSupport_deletedOutsideTerraform(t *testing.T) {
	target := acctest.NewJelou(t)
	projectID := target.ProjectID()
	config := integrationConfig(target, projectID, `  webhook_url = "https://support.example.com/jelou"`)
	var firstSecret string

	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoIntegration(target, projectID),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.TestCheckResourceAttrWith(resName, "signing_secret", func(v string) error {
					firstSecret = v
					return nil
				}),
			},
			{
				PreConfig: func() {
					if err := target.Client.DeleteIntegration(context.Background(), projectID); err != nil {
						t.Fatalf("deleting the integration out of band: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate)},
				},
				Check: resource.TestCheckResourceAttrWith(resName, "signing_secret", func(v string) error {
					if v == "" || v == firstSecret {
						return errors.New("the recreated integration must carry a new, non-empty signing secret")
					}
					return nil
				}),
			},
		},
	})
}

// Changing project_id replaces the integration.
func TestAccExternalSupport_projectChangeReplaces(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "needs two projects")
	first, second := target.ProjectID(), target.ProjectID()

	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: integrationConfig(target, first, `  webhook_url = "https://support.example.com/jelou"`)},
			{
				Config: integrationConfig(target, second, `  webhook_url = "https://support.example.com/jelou"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkNoIntegration(target, first),
					acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, second)),
				),
			},
		},
	})
}

// A second integration for a project that has one is a clear error that
// says another resource may manage it, then shows the import command; the flat response shape and client credentials
// work like the envelope and the API key.
func TestAccExternalSupport_conflictShowsImport(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "creates an integration out of band")
	projectID := target.ProjectID()
	if _, err := target.Client.CreateIntegration(context.Background(), projectID, jelou.CreateIntegrationRequest{WebhookURL: "https://other.example.com/hook"}); err != nil {
		t.Fatalf("creating the existing integration: %v", err)
	}

	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: integrationConfig(target, projectID, `  webhook_url = "https://support.example.com/jelou"`),
				ExpectError: acctest.ErrorPattern(`HTTP 409.*already has an external support integration.*Another resource may ` +
					`already manage it.*in this configuration or in another one.*do not import it.*made outside Terraform.*` +
					`terraform import\s+jelou_external_support.<name> ` +
					regexp.QuoteMeta(projectID) + `.*rotate_when_changed.*regenerates a signing secret in place`),
			},
			// The import block brings the existing integration under management.
			{
				Config: integrationConfig(target, projectID, `  webhook_url = "https://other.example.com/hook"`) + fmt.Sprintf(`
import {
  to = jelou_external_support.test
  id = %q
}
`, projectID),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionNoop)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("webhook_url"), knownvalue.StringExact("https://other.example.com/hook")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("signing_secret"), knownvalue.Null()),
				},
			},
		},
	})
}

func TestAccExternalSupport_flatShapeAndClientCredentials(t *testing.T) {
	target := acctest.NewJelou(t, func(o *emulator.Options) { o.JelouShape = "flat" })
	target.SkipOnReal(t, "configures the emulator's response shape")
	projectID := target.ProjectID()
	opts := emulator.DefaultOptions()
	provider := acctest.Requirements("jelou") + fmt.Sprintf("provider \"jelou\" {\n  base_url      = %q\n  client_id     = %q\n  client_secret = %q\n}\n",
		target.Emulator.JelouURL(), opts.JelouClientID, opts.JelouClientSecret)
	config := provider + fmt.Sprintf(`
resource "jelou_external_support" "test" {
  project_id    = %q
  webhook_url   = "https://support.example.com/jelou"
  auth_type     = "basic"
  authorization = "panel:panel-password"
}
`, projectID)

	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)),
					resource.TestCheckResourceAttr(resName, "brain_id", projectID),
					func(*terraform.State) error {
						for _, r := range target.Emulator.Requests() {
							if r.Header.Get("Authorization") == "" || r.Header.Get("x-api-key") != "" {
								return fmt.Errorf("%s %s was not sent with HTTP Basic authentication alone", r.Method, r.Path)
							}
						}
						return nil
					},
				),
			},
			{ResourceName: resName, ImportState: true, ImportStateId: projectID, ImportStateVerify: true,
				ImportStateVerifyIdentifierAttribute: "project_id", ImportStateVerifyIgnore: []string{"signing_secret", "authorization"}},
		},
	})
}

// Write-only credential: sent on create and when its version changes, never
// stored in plan or state.
func TestAccExternalSupport_writeOnlyAuthorization(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "inspects the credential the server received")
	projectID := target.ProjectID()
	config := func(credential string, version int) string {
		return integrationConfig(target, projectID, fmt.Sprintf(`
  webhook_url              = "https://support.example.com/jelou"
  auth_type                = "bearer"
  authorization_wo         = %q
  authorization_wo_version = %d
`, credential, version))
	}
	serverHas := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			in, ok := target.Emulator.JelouIntegration(projectID)
			if !ok {
				return errors.New("no integration on the server")
			}
			if in.Authorization != want {
				return fmt.Errorf("the server does not hold the expected write-only credential (got %d characters, want %d)", len(in.Authorization), len(want))
			}
			return nil
		}
	}
	compareSecret := statecheck.CompareValue(compare.ValuesSame())

	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureWriteOnly),
		Steps: []resource.TestStep{
			{
				Config: config("write-only-credential-one", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("authorization_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("authorization"), knownvalue.Null()),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("authorization_wo_version"), knownvalue.Int64Exact(1)),
					compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(serverHas("write-only-credential-one"),
					acctest.CheckStateHasNo("write-only-credential-one")),
			},
			// A new value without a version bump is not sent.
			{
				Config: config("write-only-credential-two", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: serverHas("write-only-credential-one"),
			},
			// The version bump sends it, in place.
			{
				Config: config("write-only-credential-two", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("authorization_wo"), knownvalue.Null()),
					compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(serverHas("write-only-credential-two"),
					acctest.CheckStateHasNo("write-only-credential-one", "write-only-credential-two"),
					func(*terraform.State) error {
						bodies, err := acctest.RequestBodies(target.Emulator, patternPatch)
						if err != nil {
							return err
						}
						if len(bodies) != 1 || len(bodies[0]) != 1 || bodies[0]["authorization"] == nil {
							return errors.New("the version bump must send exactly one PATCH carrying only the credential")
						}
						return nil
					}),
			},
		},
	})
}

// Every invalid input is a plan-time error naming the attribute.
func TestAccExternalSupport_invalidInput(t *testing.T) {
	target := acctest.NewJelou(t)
	cases := map[string]struct {
		body string
		want string
	}{
		"http webhook on a public host":  {`webhook_url = "http://support.example.com/hook"`, `webhook_url.*must use https`},
		"credentials in the webhook URL": {`webhook_url = "https://u:p@support.example.com/hook"`, `webhook_url.*user:password`},
		"relative webhook URL":           {`webhook_url = "/hook"`, `webhook_url.*absolute`},
		"ftp webhook URL":                {`webhook_url = "ftp://support.example.com/hook"`, `webhook_url.*https scheme`},
		"unknown auth type":              {"webhook_url = \"https://a.example.com\"\n auth_type = \"oauth\"", `auth_type.*value must be one of`},
		"credential with no_auth":        {"webhook_url = \"https://a.example.com\"\n authorization = \"x\"", `authorization.*must not be set`},
		"bearer without credential":      {"webhook_url = \"https://a.example.com\"\n auth_type = \"bearer\"", `auth_type.*needs the credential`},
		"both credentials":               {"webhook_url = \"https://a.example.com\"\n auth_type = \"bearer\"\n authorization = \"x\"\n authorization_wo = \"y\"", `authorization.*authorization_wo`},
		"version without write-only":     {"webhook_url = \"https://a.example.com\"\n auth_type = \"bearer\"\n authorization = \"x\"\n authorization_wo_version = 1", `Attribute "authorization_wo" must be specified when "authorization_wo_version"`},
		"empty authorization":            {"webhook_url = \"https://a.example.com\"\n auth_type = \"bearer\"\n authorization = \"\"", `authorization.*at least 1`},
		"missing webhook_url":            {``, `webhook_url.*required`},
		"project id with a slash":        {"webhook_url = \"https://a.example.com\"", `project_id.*must not contain`},
		"empty project id":               {"webhook_url = \"https://a.example.com\"", `project_id.*at least 1`},
		"empty webhook URL":              {`webhook_url = ""`, `webhook_url.*must not be empty`},
		"webhook URL with white space":   {`webhook_url = " https://a.example.com/hook"`, `webhook_url.*white space`},
		"unparsable webhook URL":         {`webhook_url = "https://exa mple.com/hook"`, `webhook_url.*valid absolute URL`},
		"write-only credential with no_auth": {"webhook_url = \"https://a.example.com\"\n authorization_wo = \"x\"\n authorization_wo_version = 1",
			`authorization_wo.*must not be set`},
		"empty write-only credential": {"webhook_url = \"https://a.example.com\"\n auth_type = \"bearer\"\n authorization_wo = \"\"\n authorization_wo_version = 1",
			`authorization_wo.*at least 1`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			projectID := "valid-project"
			switch name {
			case "project id with a slash":
				projectID = "a/b"
			case "empty project id":
				projectID = ""
			}
			acctest.Run(t, target.Real(), resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				TerraformVersionChecks:   writeOnlyGate(tc.body),
				Steps: []resource.TestStep{{
					Config:      integrationConfig(target, projectID, tc.body),
					PlanOnly:    true,
					ExpectError: acctest.ErrorPattern(tc.want),
				}},
			})
		})
	}

	// Inputs outside the resource's own arguments: a missing project_id, the
	// data source's project_id, and the id of an import block.
	configs := map[string]struct {
		config string
		want   string
	}{
		"missing project_id": {`
resource "jelou_external_support" "test" {
  webhook_url = "https://a.example.com"
}
`, `"project_id" is required`},
		"data source: empty project id": {`
data "jelou_external_support" "test" {
  project_id = ""
}
`, `project_id.*at least 1`},
		"data source: project id with a slash": {`
data "jelou_external_support" "test" {
  project_id = "a/b"
}
`, `project_id.*must not contain`},
		"data source: missing project_id": {`
data "jelou_external_support" "test" {}
`, `"project_id" is required`},
		"import block: id with a slash": {`
import {
  to = jelou_external_support.test
  id = "a/b"
}

resource "jelou_external_support" "test" {
  project_id  = "a"
  webhook_url = "https://a.example.com"
}
`, `Invalid Import ID.*"a/b" is not a valid project id`},
	}
	for name, tc := range configs {
		t.Run(name, func(t *testing.T) {
			acctest.Run(t, target.Real(), resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      target.ProviderConfig + tc.config,
					PlanOnly:    true,
					ExpectError: acctest.ErrorPattern(tc.want),
				}},
			})
		})
	}
}

func writeOnlyGate(body string) []tfversion.TerraformVersionCheck {
	if regexp.MustCompile(`authorization_wo\b`).MatchString(body) {
		return acctest.SkipWithout(acctest.FeatureWriteOnly)
	}
	return nil
}
