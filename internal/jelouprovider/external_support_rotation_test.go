package jelouprovider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

const (
	patternRegenerate = "POST /jelou/v1/external-support/{projectId}/secret/regenerate"
	patternDelete     = "DELETE /jelou/v1/external-support/{projectId}"
)

// webhookReceiver records the deliveries the emulator sends to it.
type webhookReceiver struct {
	*httptest.Server
	mu         sync.Mutex
	bodies     [][]byte
	signatures []string
}

func newWebhookReceiver(t *testing.T) *webhookReceiver {
	t.Helper()
	rc := &webhookReceiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, body)
		rc.signatures = append(rc.signatures, r.Header.Get("X-Jelou-Signature"))
		rc.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *webhookReceiver) last() ([]byte, string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.bodies) == 0 {
		return nil, ""
	}
	return rc.bodies[len(rc.bodies)-1], rc.signatures[len(rc.signatures)-1]
}

// checkDeliveryVerifies has the emulator deliver an event to the receiver
// and checks that its signature verifies with the secret in state, and not
// with any of the earlier secrets.
func checkDeliveryVerifies(target *acctest.Jelou, rc *webhookReceiver, projectID string, earlier *[]string) tfresource.TestCheckFunc {
	return func(s *terraform.State) error {
		secret := s.RootModule().Resources[resName].Primary.Attributes["signing_secret"]
		resp, err := http.Post(target.Emulator.URL+"/_emulator/jelou/"+projectID+"/deliver", "application/json", nil)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("delivery: HTTP %d", resp.StatusCode)
		}
		body, sig := rc.last()
		if !signature.Verify(secret, body, sig) {
			return errors.New("a delivery does not verify with the signing secret in state")
		}
		for i, old := range *earlier {
			if old == secret {
				return fmt.Errorf("the secret in state is earlier secret #%d", i+1)
			}
			if signature.Verify(old, body, sig) {
				return fmt.Errorf("a delivery still verifies with earlier secret #%d", i+1)
			}
		}
		*earlier = append(*earlier, secret)
		return nil
	}
}

// checkCounts checks how many requests of each route the emulator received
// since the last ResetRequests.
func checkCounts(target *acctest.Jelou, want map[string]int) tfresource.TestCheckFunc {
	return func(*terraform.State) error {
		got := target.Emulator.RequestCounts()
		for k, n := range want {
			if got[k] != n {
				return fmt.Errorf("the server received %d × %s, want %d (all: %v)", got[k], k, n, got)
			}
		}
		return nil
	}
}

// Rotation in place: setting, changing (with another argument) and removing
// rotate_when_changed each regenerate the secret once, with no delete and
// no create; the id stays, the state holds the server's new secret, and
// deliveries verify with it and with no earlier secret.
func TestAccExternalSupport_rotateInPlace(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "inspects what the server received and triggers deliveries")
	rc := newWebhookReceiver(t)
	projectID := target.ProjectID()
	compareID := statecheck.CompareValue(compare.ValuesSame())
	compareSecret := statecheck.CompareValue(compare.ValuesDiffer())
	var secrets []string
	config := func(url, rotate string) string {
		return integrationConfig(target, projectID, fmt.Sprintf("  webhook_url = %q\n%s", url, rotate))
	}
	regenerated := map[string]int{patternRegenerate: 1, patternCreate: 0, patternDelete: 0}

	acctest.Run(t, false, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoIntegration(target, projectID),
		Steps: []tfresource.TestStep{
			{
				Config: config(rc.URL+"/v1", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					compareID.AddStateValue(resName, tfjsonpath.New("id")),
					compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("rotate_when_changed"), knownvalue.Null()),
				},
				Check: checkDeliveryVerifies(target, rc, projectID, &secrets),
			},
			// Set for the first time: one regenerate, nothing else.
			{
				PreConfig: target.Emulator.ResetRequests,
				Config:    config(rc.URL+"/v1", `  rotate_when_changed = { rotation = "1" }`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(resName, tfjsonpath.New("signing_secret")),
					plancheck.ExpectSensitiveValue(resName, tfjsonpath.New("signing_secret")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					compareID.AddStateValue(resName, tfjsonpath.New("id")),
					compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
				},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					checkCounts(target, map[string]int{patternRegenerate: 1, patternPatch: 0, patternCreate: 0, patternDelete: 0}),
					acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)),
					checkDeliveryVerifies(target, rc, projectID, &secrets),
				),
			},
			// Nothing changed: an empty plan, the secret stays.
			{
				Config:           config(rc.URL+"/v1", `  rotate_when_changed = { rotation = "1" }`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// Changed together with webhook_url: one regenerate and one PATCH
			// carrying only the URL, in one apply.
			{
				PreConfig: target.Emulator.ResetRequests,
				Config:    config(rc.URL+"/v2", `  rotate_when_changed = { rotation = "2" }`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(resName, tfjsonpath.New("signing_secret")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					compareID.AddStateValue(resName, tfjsonpath.New("id")),
					compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
				},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					checkCounts(target, map[string]int{patternRegenerate: 1, patternPatch: 1, patternCreate: 0, patternDelete: 0}),
					func(*terraform.State) error {
						bodies, err := acctest.RequestBodies(target.Emulator, patternPatch)
						if err != nil {
							return err
						}
						if len(bodies) != 1 || len(bodies[0]) != 1 || bodies[0]["webhookUrl"] != rc.URL+"/v2" {
							return fmt.Errorf("PATCH bodies %v, want only the new webhookUrl", bodies)
						}
						return nil
					},
					acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)),
					checkDeliveryVerifies(target, rc, projectID, &secrets),
				),
			},
			// Removed: a change as well.
			{
				PreConfig: target.Emulator.ResetRequests,
				Config:    config(rc.URL+"/v2", ""),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(resName, tfjsonpath.New("signing_secret")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					compareID.AddStateValue(resName, tfjsonpath.New("id")),
					compareSecret.AddStateValue(resName, tfjsonpath.New("signing_secret")),
				},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					checkCounts(target, regenerated),
					checkCounts(target, map[string]int{patternPatch: 0}),
					acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)),
					checkDeliveryVerifies(target, rc, projectID, &secrets),
				),
			},
			{
				Config:           config(rc.URL+"/v2", ""),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	if len(secrets) != 4 {
		t.Errorf("%d distinct secrets verified deliveries, want 4", len(secrets))
	}
}

// An integration created outside Terraform is imported (no secret), then
// given a managed secret by setting rotate_when_changed: regenerated in
// place, never replaced. The flat response shape, as Jelou's docs also show.
func TestAccExternalSupport_importThenRotate(t *testing.T) {
	for _, shape := range []string{emulator.ShapeEnvelope, emulator.ShapeFlat} {
		t.Run(shape, func(t *testing.T) {
			target := acctest.NewJelou(t, func(o *emulator.Options) { o.JelouShape = shape })
			target.SkipOnReal(t, "creates an integration out of band")
			projectID := target.ProjectID()
			existing, err := target.Client.CreateIntegration(context.Background(), projectID, jelou.CreateIntegrationRequest{WebhookURL: "https://other.example.com/hook"})
			if err != nil {
				t.Fatal(err)
			}
			importBlock := fmt.Sprintf("\nimport {\n  to = jelou_external_support.test\n  id = %q\n}\n", projectID)
			acctest.Run(t, false, tfresource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []tfresource.TestStep{
					{
						Config: integrationConfig(target, projectID, `  webhook_url = "https://other.example.com/hook"`) + importBlock,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(resName, tfjsonpath.New("signing_secret"), knownvalue.Null()),
							statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
						},
					},
					{
						PreConfig: target.Emulator.ResetRequests,
						Config: integrationConfig(target, projectID, `  webhook_url = "https://other.example.com/hook"
  rotate_when_changed = { imported = "2026-12-01" }`),
						ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
							plancheck.ExpectUnknownValue(resName, tfjsonpath.New("signing_secret")),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
						},
						Check: tfresource.ComposeAggregateTestCheckFunc(
							checkCounts(target, map[string]int{patternRegenerate: 1, patternPatch: 0, patternCreate: 0, patternDelete: 0}),
							acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)),
						),
					},
				},
			})
		})
	}
}

// Jelou's get page shows an answer without id and authType: against it the
// provider shows no drift, and loses neither from the state.
func TestAccExternalSupport_sparseGet(t *testing.T) {
	target := acctest.NewJelou(t, func(o *emulator.Options) { o.JelouSparseGet = true })
	target.SkipOnReal(t, "configures the emulator's GET answer")
	projectID := target.ProjectID()
	body := `
  webhook_url   = "https://support.example.com/jelou"
  auth_type     = "api_key"
  authorization = "sparse-get-credential"
`
	keep := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(resName, tfjsonpath.New("auth_type"), knownvalue.StringExact("api_key")),
		statecheck.ExpectKnownValue(resName, tfjsonpath.New("webhook_url"), knownvalue.StringExact("https://support.example.com/jelou")),
		statecheck.ExpectKnownValue(resName, tfjsonpath.New("signing_secret"), knownvalue.NotNull()),
	}
	sameID := acctest.CheckAttrEquals(resName, "id", func() (string, error) {
		in, _ := target.Emulator.JelouIntegration(projectID)
		return in.ID, nil
	})
	acctest.Run(t, false, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: integrationConfig(target, projectID, body), ConfigStateChecks: keep, Check: sameID},
			{RefreshState: true, RefreshPlanChecks: tfresource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				Config: integrationConfig(target, projectID, body),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: keep,
				Check: tfresource.ComposeAggregateTestCheckFunc(sameID, func(*terraform.State) error {
					// The GETs really were sparse.
					got, err := target.Client.GetIntegration(context.Background(), projectID)
					if err != nil {
						return err
					}
					if got.ID != "" || got.AuthType != "" {
						return errors.New("the emulator's GET was not sparse")
					}
					return nil
				}),
			},
			{
				Config:            integrationConfig(target, projectID, body+`  rotate_when_changed = { r = "1" }`),
				ConfigStateChecks: keep,
				Check:             tfresource.ComposeAggregateTestCheckFunc(sameID, acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID))),
			},
			{
				Config:           integrationConfig(target, projectID, body+`  rotate_when_changed = { r = "1" }`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// The regenerate's answer is lost after Jelou acted (commit, then reset):
// the provider sends it again, and the state ends with the server's current
// secret.
func TestAccExternalSupport_rotationAnswerLost(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "injects failures between the provider and the emulator")
	// The create passes, the first regenerate is lost.
	target.Emulator.MustScript(emulator.RouteJelouRegenerate, emulator.CommitReset, 1)
	projectID := acctest.RandomName("proj-")
	acctest.Run(t, false, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: faultyConfig(target.Emulator, "", projectID)},
			{
				PreConfig: target.Emulator.ResetRequests,
				Config:    faultyRotation(target.Emulator, "", projectID, "1"),
				Check: tfresource.ComposeAggregateTestCheckFunc(
					checkCounts(target, map[string]int{patternRegenerate: 2, patternPatch: 0, patternCreate: 0, patternDelete: 0}),
					acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)),
				),
			},
		},
	})
}

// Every regenerate's answer lost, beyond max_retries: the apply fails with
// an error that says to apply again, the state keeps the previous secret and
// rotate_when_changed, so the next apply regenerates again and converges.
func TestAccExternalSupport_rotationBudgetExhausted(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "injects failures between the provider and the emulator")
	// The create passes, the first two regenerates are lost.
	target.Emulator.MustScript(emulator.RouteJelouRegenerate, emulator.CommitReset, 2)
	projectID := acctest.RandomName("proj-")
	acctest.Run(t, false, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: faultyConfig(target.Emulator, "  max_retries = 1", projectID)},
			{
				Config: faultyRotation(target.Emulator, "  max_retries = 1", projectID, "1"),
				ExpectError: acctest.ErrorPattern(`Unknown Outcome Regenerating Jelou Signing Secret.*2 regenerate request\(s\).*` +
					`state keeps the previous secret.*terraform apply again`),
			},
			{
				PreConfig: target.Emulator.ResetRequests,
				Config:    faultyRotation(target.Emulator, "  max_retries = 1", projectID, "1"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(resName, tfjsonpath.New("signing_secret")),
				}},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					checkCounts(target, map[string]int{patternRegenerate: 1, patternCreate: 0, patternDelete: 0}),
					acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)),
				),
			},
		},
	})
}

func faultyRotation(emu *emulator.Server, providerArgs, projectID, rotation string) string {
	return strings.Replace(faultyConfig(emu, providerArgs, projectID), `  auth_type     = "bearer"`,
		fmt.Sprintf("  auth_type     = \"bearer\"\n  rotate_when_changed = { rotation = %q }", rotation), 1)
}

// The plan warns when, and only when, the apply will regenerate a secret,
// and names the project.
func TestExternalSupportModifyPlanWarning(t *testing.T) {
	ctx := context.Background()
	r := &externalSupportResource{}
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	model := func(rotate map[string]string) externalSupportResourceModel {
		m := externalSupportResourceModel{
			ID: types.StringValue("int-1"), ProjectID: types.StringValue("proj-w"), WebhookURL: types.StringValue("https://a.example/h"),
			AuthType: types.StringValue("no_auth"), Authorization: types.StringNull(), AuthorizationWO: types.StringNull(),
			AuthorizationWOVersion: types.Int64Null(), BrainID: types.StringValue("proj-w"), SigningSecret: types.StringValue("s"),
			CreatedAt: types.StringValue("t"), UpdatedAt: types.StringValue("t"), RotateWhenChanged: types.MapNull(types.StringType),
			Timeouts: providerutil.NullTimeouts(),
		}
		if rotate != nil {
			m.RotateWhenChanged, _ = types.MapValueFrom(ctx, types.StringType, rotate)
		}
		return m
	}
	cases := []struct {
		name        string
		prior, plan map[string]string
		warn        bool
	}{
		{"unchanged null", nil, nil, false},
		{"unchanged value", map[string]string{"a": "1"}, map[string]string{"a": "1"}, false},
		{"set", nil, map[string]string{"a": "1"}, true},
		{"changed", map[string]string{"a": "1"}, map[string]string{"a": "2"}, true},
		{"removed", map[string]string{"a": "1"}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state := tfsdk.State{Schema: sch.Schema}
			plan := tfsdk.Plan{Schema: sch.Schema}
			if d := state.Set(ctx, model(c.prior)); d.HasError() {
				t.Fatal(d)
			}
			if d := plan.Set(ctx, model(c.plan)); d.HasError() {
				t.Fatal(d)
			}
			resp := resource.ModifyPlanResponse{Plan: plan}
			r.ModifyPlan(ctx, resource.ModifyPlanRequest{State: state, Plan: plan}, &resp)
			warnings := resp.Diagnostics.Warnings()
			if got := len(warnings) == 1; got != c.warn || resp.Diagnostics.HasError() {
				t.Fatalf("diagnostics %v, want a warning: %v", resp.Diagnostics, c.warn)
			}
			if c.warn && (!strings.Contains(warnings[0].Detail(), `"proj-w"`) || !strings.Contains(warnings[0].Detail(), "stops working")) {
				t.Errorf("warning %q does not name the project and the consequence", warnings[0].Detail())
			}
		})
	}
}

// The regenerate succeeds and the PATCH after it fails: the new secret is in
// the state all the same (nothing half-applied is lost), so the next apply
// sends only the PATCH and no second regenerate.
func TestAccExternalSupport_rotationKeptWhenPatchFails(t *testing.T) {
	acctest.PreCheck(t)
	srv := newFaultServer(t)
	projectID := acctest.RandomName("proj-")
	config := func(url, rotation string) string {
		return srv.providerConfig() + fmt.Sprintf(`
resource "jelou_external_support" "test" {
  project_id          = %q
  webhook_url         = %q
  rotate_when_changed = { rotation = %q }
}
`, projectID, url, rotation)
	}
	serverSecret := func() (string, error) {
		in, ok := srv.JelouIntegration(projectID)
		if !ok {
			return "", errors.New("no integration on the server")
		}
		return in.SigningSecret, nil
	}
	var firstSecret string
	acctest.Run(t, false, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config("https://support.example.com/v1", "1"),
				Check: func(*terraform.State) error {
					var err error
					firstSecret, err = serverSecret()
					return err
				},
			},
			{
				PreConfig:   srv.Fail(opUpdate, acctest.Reply(http.StatusBadRequest, "application/json", `{"message":["webhookUrl is not allowed here"]}`)),
				Config:      config("https://support.example.com/v2", "2"),
				ExpectError: acctest.ErrorPattern(`Error Updating Jelou External Support Integration.*HTTP 400.*webhookUrl is not allowed here`),
			},
			{
				PreConfig: func() {
					srv.ClearScripts()
					srv.ResetRequests()
				},
				Config: config("https://support.example.com/v2", "2"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resName, tfjsonpath.New("signing_secret"), knownvalue.NotNull()),
				}},
				Check: tfresource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						counts := srv.RequestCounts()
						if counts[patternRegenerate] != 0 || counts[patternPatch] != 1 {
							return fmt.Errorf("the retried apply sent %v, want one PATCH and no regenerate", counts)
						}
						if s, _ := serverSecret(); s == firstSecret {
							return errors.New("the secret was never regenerated")
						}
						return nil
					},
					acctest.CheckAttrEquals(resName, "signing_secret", serverSecret),
					tfresource.TestCheckResourceAttr(resName, "webhook_url", "https://support.example.com/v2"),
				),
			},
		},
	})
}

// A basic credential with ':' is plainly not base64: a warning names the
// attribute (never the value); a base64 one passes silently.
func TestExternalSupportBasicCredentialWarning(t *testing.T) {
	ctx := context.Background()
	r := &externalSupportResource{}
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	cases := []struct {
		name, attr, value string
		warn              bool
	}{
		{"plain in authorization", "authorization", "panel-user:pa55word", true},
		{"plain in authorization_wo", "authorization_wo", "panel-user:pa55word", true},
		{"base64", "authorization", "cGFuZWwtdXNlcjpwYTU1d29yZA==", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := externalSupportResourceModel{
				ID: types.StringNull(), ProjectID: types.StringValue("p"), WebhookURL: types.StringValue("https://a.example/h"),
				AuthType: types.StringValue(AuthTypeBasic), Authorization: types.StringNull(), AuthorizationWO: types.StringNull(),
				AuthorizationWOVersion: types.Int64Null(), BrainID: types.StringNull(), SigningSecret: types.StringNull(),
				CreatedAt: types.StringNull(), UpdatedAt: types.StringNull(), RotateWhenChanged: types.MapNull(types.StringType),
				Timeouts: providerutil.NullTimeouts(),
			}
			if c.attr == "authorization" {
				m.Authorization = types.StringValue(c.value)
			} else {
				m.AuthorizationWO, m.AuthorizationWOVersion = types.StringValue(c.value), types.Int64Value(1)
			}
			state := tfsdk.State{Schema: sch.Schema}
			if d := state.Set(ctx, m); d.HasError() {
				t.Fatal(d)
			}
			var resp resource.ValidateConfigResponse
			r.ValidateConfig(ctx, resource.ValidateConfigRequest{Config: tfsdk.Config{Schema: sch.Schema, Raw: state.Raw}}, &resp)
			warnings := resp.Diagnostics.Warnings()
			if resp.Diagnostics.HasError() || (len(warnings) == 1) != c.warn {
				t.Fatalf("diagnostics %v, want a warning: %v", resp.Diagnostics, c.warn)
			}
			if c.warn {
				if !strings.Contains(warnings[0].Detail(), c.attr) || strings.Contains(warnings[0].Detail(), "pa55word") {
					t.Errorf("warning %q must name %s and never show the value", warnings[0].Detail(), c.attr)
				}
			}
		})
	}
}
