package jelouprovider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
)

// postCount returns how many POSTs to a project's integration (creates and
// regenerates) the emulator received, faulted ones included.
func postCount(emu *emulator.Server) int {
	counts := emu.RouteCounts()
	return counts[emulator.RouteJelouCreate] + counts[emulator.RouteJelouRegenerate]
}

// faultyConfig is the provider block pointing at the emulator, with extra
// provider arguments, and a resource for projectID (webhook URL
// https://support.example.com/jelou). The tests script the emulator's
// faults (emulator.Script).
func faultyConfig(emu *emulator.Server, providerArgs, projectID string) string {
	return acctest.Requirements("jelou") + fmt.Sprintf(`provider "jelou" {
  base_url = %q
  api_key  = %q
%s
}

resource "jelou_external_support" "test" {
  project_id    = %q
  webhook_url   = "https://support.example.com/jelou"
  auth_type     = "bearer"
  authorization = "retries-test-credential"
}
`, emu.JelouURL(), emulator.DefaultJelouAPIKey, providerArgs, projectID)
}

// max_retries and request_timeout are checked at plan time, each with an
// error that names the attribute and the accepted values.
func TestAccProvider_transportSettingsInvalid(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "configures the provider against the emulator")
	cases := map[string]struct{ args, want string }{
		"negative max_retries":     {`max_retries = -1`, `max_retries value must be between 0 and 20, got: -1`},
		"max_retries over 20":      {`max_retries = 21`, `max_retries value must be between 0 and 20, got: 21`},
		"request_timeout no unit":  {`request_timeout = "30"`, `Invalid Duration.*request_timeout.*"30" is not a duration.*unit is required: "30s"`},
		"request_timeout garbage":  {`request_timeout = "soon"`, `Invalid Duration.*request_timeout.*"soon" is not a duration such as "30s"`},
		"request_timeout zero":     {`request_timeout = "0s"`, `Invalid Duration.*"0s" is outside the accepted range, 1s to 1h`},
		"request_timeout too long": {`request_timeout = "2h"`, `Invalid Duration.*"2h" is outside the accepted range`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: acctest.Requirements("jelou") + fmt.Sprintf("provider \"jelou\" {\n  base_url = %q\n  api_key  = %q\n  %s\n}\n",
						target.Emulator.JelouURL(), emulator.DefaultJelouAPIKey, tc.args) + `
resource "jelou_external_support" "test" {
  project_id  = "transport-settings"
  webhook_url = "https://support.example.com/jelou"
}
`,
					PlanOnly:    true,
					ExpectError: acctest.ErrorPattern(tc.want),
				}},
			})
		})
	}
}

// Invalid values in JELOU_MAX_RETRIES and JELOU_REQUEST_TIMEOUT are
// configure errors naming the variable. Not parallel: it sets the environment.
func TestAccProvider_transportSettingsInvalidEnvironment(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "sets the Jelou environment variables")
	cases := map[string]struct{ env, value, want string }{
		"max retries not a number": {EnvMaxRetries, "many", `Invalid JELOU_MAX_RETRIES Environment Variable.*"many".*whole number between 0 and 20`},
		"max retries negative":     {EnvMaxRetries, "-2", `Invalid JELOU_MAX_RETRIES Environment Variable.*"-2"`},
		"timeout without unit":     {EnvRequestTimeout, "45", `Invalid JELOU_REQUEST_TIMEOUT Environment Variable.*"45" is not a duration.*"45s"`},
		"timeout out of range":     {EnvRequestTimeout, "500ms", `Invalid JELOU_REQUEST_TIMEOUT Environment Variable.*"500ms" is outside`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv(tc.env, tc.value)
			acctest.Run(t, true, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      integrationConfig(target, "env-settings", `webhook_url = "https://support.example.com/jelou"`),
					PlanOnly:    true,
					ExpectError: acctest.ErrorPattern(tc.want),
				}},
			})
		})
	}
}

// max_retries reaches the transport: with 0 a 503 to the create is final;
// with 1 the create is retried and succeeds.
func TestAccProvider_maxRetriesTakesEffect(t *testing.T) {
	t.Run("max_retries = 0", func(t *testing.T) {
		target := acctest.NewJelou(t)
		target.SkipOnReal(t, "injects failures between the provider and the emulator")
		target.Emulator.MustScript(emulator.RouteJelouCreate, emulator.Status(http.StatusServiceUnavailable), 1)
		projectID := acctest.RandomName("proj-")
		acctest.Run(t, false, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             checkNoIntegration(target, projectID),
			Steps: []resource.TestStep{{
				Config:      faultyConfig(target.Emulator, "  max_retries = 0", projectID),
				ExpectError: acctest.ErrorPattern(`Error Creating Jelou External Support Integration.*HTTP 503 Service Unavailable`),
			}},
		})
		if n := postCount(target.Emulator); n != 1 {
			t.Errorf("the create was sent %d times, want once (no retries)", n)
		}
	})
	t.Run("max_retries = 1", func(t *testing.T) {
		target := acctest.NewJelou(t)
		target.SkipOnReal(t, "injects failures between the provider and the emulator")
		target.Emulator.MustScript(emulator.RouteJelouCreate, emulator.Status(http.StatusServiceUnavailable), 1)
		projectID := acctest.RandomName("proj-")
		acctest.Run(t, false, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             checkNoIntegration(target, projectID),
			Steps: []resource.TestStep{{
				Config: faultyConfig(target.Emulator, "  max_retries = 1", projectID),
				Check:  acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)),
			}},
		})
		if n := postCount(target.Emulator); n != 2 {
			t.Errorf("the create was sent %d times, want twice (one retry)", n)
		}
	})
}

// request_timeout reaches the transport: a create slower than it times out,
// and since the create may have reached Jelou, the provider reads the
// project before anything else; it finds nothing, and with max_retries = 0
// says that nothing was created.
func TestAccProvider_requestTimeoutTakesEffect(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "injects failures between the provider and the emulator")
	target.Emulator.MustScript(emulator.RouteJelouCreate, emulator.Slow(3*time.Second), 1)
	projectID := acctest.RandomName("proj-")
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoIntegration(target, projectID),
		Steps: []resource.TestStep{{
			Config: faultyConfig(target.Emulator, "  max_retries = 0\n  request_timeout = \"1s\"", projectID),
			ExpectError: acctest.ErrorPattern(`Error Creating Jelou External Support Integration.*(Timeout|timeout).*` +
				`found no integration: nothing was created`),
		}},
	})
}

// The create's answer is lost after the emulator stored the integration:
// the provider proves the integration is this apply's and regenerates its
// secret in place. One create, one regenerate, nothing deleted; the state
// holds the server's id and current secret.
func TestAccExternalSupport_interruptedCreateRegenerated(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "injects failures between the provider and the emulator")
	target.Emulator.MustScript(emulator.RouteJelouCreate, emulator.CommitReset, 1)
	projectID := acctest.RandomName("proj-")
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoIntegration(target, projectID),
		Steps: []resource.TestStep{{
			PreConfig: target.Emulator.ResetRequests,
			Config:    faultyConfig(target.Emulator, "", projectID),
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, projectID)),
				acctest.CheckAttrEquals(resName, "id", func() (string, error) {
					in, _ := target.Emulator.JelouIntegration(projectID)
					return in.ID, nil
				}),
				func(*terraform.State) error {
					counts := target.Emulator.RequestCounts()
					if counts[patternCreate] != 1 || counts[patternRegenerate] != 1 || counts[patternDelete] != 0 {
						return fmt.Errorf("the server received %v, want 1 create, 1 regenerate and no delete", counts)
					}
					return nil
				},
			),
		}},
	})
}

// The project already has an integration the provider cannot prove it
// created (another webhook URL), and the create's answer is lost: the
// integration is left untouched, and the error shows how to import it.
func TestAccExternalSupport_interruptedCreateUnproven(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "injects failures between the provider and the emulator")
	projectID := acctest.RandomName("proj-")
	var existing *jelou.Integration
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Just before the apply (a parallel test may wait a long time for
			// its turn), so that only the webhook URL tells it apart.
			PreConfig: func() {
				var err error
				existing, err = target.Client.CreateIntegration(context.Background(), projectID, jelou.CreateIntegrationRequest{
					WebhookURL: "https://someone-else.example.com/hook"})
				if err != nil {
					t.Fatal(err)
				}
				// After that create: the provider's create meets the reset.
				target.Emulator.MustScript(emulator.RouteJelouCreate, emulator.Reset, 1)
			},
			Config: faultyConfig(target.Emulator, "", projectID),
			ExpectError: acctest.ErrorPattern(`Jelou Integration Of Unproven Origin.*` +
				`it has integration \S+, which this apply cannot prove it created: its webhookUrl is not the one this create sent.*` +
				`never deleted.*terraform import jelou_external_support.<name> ` + regexp.QuoteMeta(projectID) +
				`.*import \{.*to = jelou_external_support.<name>.*id = "` + regexp.QuoteMeta(projectID) + `".*` +
				`rotate_when_changed.*regenerates a signing secret in place`),
		}},
	})
	stored, ok := target.Emulator.JelouIntegration(projectID)
	if !ok || stored.ID != existing.ID || stored.WebhookURL != "https://someone-else.example.com/hook" {
		t.Error("the integration the provider could not prove it created was changed or deleted")
	}
}
