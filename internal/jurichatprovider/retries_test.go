package jurichatprovider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

const retriesWebhookName = "retries test"

// faultyConfig is the provider block pointing at the emulator, with extra
// provider arguments, and one webhook. The tests script the emulator's
// faults (emulator.Script).
func faultyConfig(emu *emulator.Server, providerArgs string) string {
	return acctest.Requirements("jurichat") + fmt.Sprintf(`provider "jurichat" {
  base_url = %q
  token    = %q
%s
}

resource "jurichat_webhook" "test" {
  name        = %q
  url         = "https://hooks.example.com/jurichat/retries"
  events      = ["crm.lead.created", "contact.created"]
  description = "created through a faulty network"
  headers     = { "X-Retries-Token" = "retries-header-credential" }
}
`, emu.JurichatURL(), emulator.DefaultJurichatToken, providerArgs, retriesWebhookName)
}

// The webhook proxiedConfig declares, as a create request.
var retriesWebhook = jurichat.CreateWebhookRequest{
	Name: retriesWebhookName, URL: "https://hooks.example.com/jurichat/retries",
	Events: []string{"contact.created", "crm.lead.created"}, Description: ptrTo("created through a faulty network"),
	IsActive: ptrTo(true), Headers: map[string]string{"X-Retries-Token": "retries-header-credential"},
}

func ptrTo[T any](v T) *T { return &v }

// createCount returns how many creates the emulator received, faulted ones
// included.
func createCount(emu *emulator.Server) int { return emu.RouteCounts()[emulator.RouteJurichatCreate] }

// max_retries and request_timeout are checked at plan time, each with an
// error that names the attribute and the accepted values.
func TestAccProvider_transportSettingsInvalid(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "configures the provider against the emulator")
	cases := map[string]struct{ args, want string }{
		"negative max_retries":    {`max_retries = -1`, `max_retries value must be between 0 and 20, got: -1`},
		"max_retries over 20":     {`max_retries = 100`, `max_retries value must be between 0 and 20, got: 100`},
		"request_timeout no unit": {`request_timeout = "90"`, `Invalid Duration.*request_timeout.*"90" is not a duration.*unit is required: "90s"`},
		"request_timeout garbage": {`request_timeout = "1 minute"`, `Invalid Duration.*request_timeout.*"1 minute" is not a duration such as "30s"`},
		"request_timeout too short": {`request_timeout = "10ms"`,
			`Invalid Duration.*"10ms" is outside the accepted range, 1s to 1h`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: acctest.Requirements("jurichat") + fmt.Sprintf("provider \"jurichat\" {\n  base_url = %q\n  token    = %q\n  %s\n}\n",
						target.Emulator.JurichatURL(), emulator.DefaultJurichatToken, tc.args) + providerTestResource,
					PlanOnly:    true,
					ExpectError: acctest.ErrorPattern(tc.want),
				}},
			})
		})
	}
}

// Invalid values in JURICHAT_MAX_RETRIES and JURICHAT_REQUEST_TIMEOUT are
// configure errors naming the variable. Not parallel: it sets the environment.
func TestAccProvider_transportSettingsInvalidEnvironment(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "sets the JuriChat environment variables")
	cases := map[string]struct{ env, value, want string }{
		"max retries not a number": {EnvMaxRetries, "three", `Invalid JURICHAT_MAX_RETRIES Environment Variable.*"three".*whole number between 0 and 20`},
		"max retries too many":     {EnvMaxRetries, "1000", `Invalid JURICHAT_MAX_RETRIES Environment Variable.*"1000"`},
		"timeout not a duration":   {EnvRequestTimeout, "forever", `Invalid JURICHAT_REQUEST_TIMEOUT Environment Variable.*"forever" is not a duration`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv(tc.env, tc.value)
			acctest.Run(t, true, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      target.ProviderConfig + providerTestResource,
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
		target := acctest.NewJuriChat(t)
		target.SkipOnReal(t, "injects failures between the provider and the emulator")
		target.Emulator.MustScript(emulator.RouteJurichatCreate, emulator.Status(http.StatusServiceUnavailable), 1)
		acctest.Run(t, false, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      faultyConfig(target.Emulator, "  max_retries = 0"),
				ExpectError: acctest.ErrorPattern(`Error Creating JuriChat Webhook.*HTTP 503 Service Unavailable.*fault injected by the emulator`),
			}},
		})
		if n := createCount(target.Emulator); n != 1 {
			t.Errorf("the create was sent %d times, want once (no retries)", n)
		}
		if hooks := target.Emulator.JurichatWebhooks(); len(hooks) != 0 {
			t.Errorf("the server holds %d webhooks, want none", len(hooks))
		}
	})
	t.Run("max_retries = 1", func(t *testing.T) {
		target := acctest.NewJuriChat(t)
		target.SkipOnReal(t, "injects failures between the provider and the emulator")
		target.Emulator.MustScript(emulator.RouteJurichatCreate, emulator.Status(http.StatusServiceUnavailable), 1)
		acctest.Run(t, false, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: faultyConfig(target.Emulator, "  max_retries = 1"),
				Check:  checkEmulatorSecret(target),
			}},
		})
		if n := createCount(target.Emulator); n != 2 {
			t.Errorf("the create was sent %d times, want twice (one retry)", n)
		}
	})
}

// The create is stored, then the connection drops before the answer. The
// provider finds the webhook it created (list, then match) and adopts it,
// secret included, instead of creating a duplicate.
func TestAccWebhook_interruptedCreateAdopted(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "injects failures between the provider and the emulator")
	target.Emulator.MustScript(emulator.RouteJurichatCreate, emulator.CommitReset, 1)
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoWebhooks(target),
		Steps: []resource.TestStep{{
			Config: faultyConfig(target.Emulator, ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				func(s *terraform.State) error {
					hooks := target.Emulator.JurichatWebhooks()
					if len(hooks) != 1 {
						return fmt.Errorf("the server holds %d webhooks, want exactly 1 (no duplicate)", len(hooks))
					}
					attrs, err := primary(s, resName)
					if err != nil {
						return err
					}
					if attrs["id"] != hooks[0].ID {
						return fmt.Errorf("the state holds webhook %s, the server %s", attrs["id"], hooks[0].ID)
					}
					return nil
				},
				checkEmulatorSecret(target),
			),
		}},
	})
	if n := createCount(target.Emulator); n != 1 {
		t.Errorf("the create was sent %d times, want once: the stored webhook is adopted, not created again", n)
	}
}

// The create's answer is lost, and two webhooks match it: the one it stored
// and an identical one created just before by someone else. Neither is
// adopted, none is created; the error lists both with the import command.
func TestAccWebhook_interruptedCreateAmbiguous(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "injects failures between the provider and the emulator")
	var otherID string
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Just before the apply (a parallel test may wait a long time
			// for its turn): "created since the create was sent", within
			// the clock tolerance.
			PreConfig: func() {
				other, err := target.Client.CreateWebhook(context.Background(), retriesWebhook)
				if err != nil {
					t.Fatal(err)
				}
				otherID = other.ID
				// After that create: count from here, and the provider's
				// create meets the commit-reset.
				target.Emulator.ResetRequests()
				target.Emulator.MustScript(emulator.RouteJurichatCreate, emulator.CommitReset, 1)
			},
			Config: faultyConfig(target.Emulator, ""),
			ExpectError: acctest.ErrorPattern(`Several Matching JuriChat Webhooks.*connection reset.*` +
				`2 webhooks created since the create was sent match.*none was adopted.*terraform import jurichat_webhook.<name> `),
		}},
	})
	if !slices.ContainsFunc(target.Emulator.JurichatWebhooks(), func(h emulator.JurichatWebhook) bool { return h.ID == otherID }) {
		t.Error("the webhook created by someone else is gone")
	}
	hooks := target.Emulator.JurichatWebhooks()
	if len(hooks) != 2 || createCount(target.Emulator) != 1 {
		t.Errorf("the server holds %d webhooks after %d creates, want 2 after 1: nothing may be created or deleted", len(hooks), createCount(target.Emulator))
	}
	for _, h := range hooks {
		if strings.Contains(h.Name, "retries") {
			target.Emulator.DeleteJurichatWebhook(h.ID)
		}
	}
}
