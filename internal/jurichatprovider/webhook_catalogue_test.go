package jurichatprovider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// catalogueConfig is two new webhooks for the emulator, without retries (a
// failing catalogue is not asked again), with token as the credential.
func catalogueConfig(target *acctest.JuriChat, token string) string {
	return acctest.Requirements("jurichat") + fmt.Sprintf(`
provider "jurichat" {
  base_url    = %q
  token       = %q
  max_retries = 0
}

resource "jurichat_webhook" "test" {
  count  = 2
  name   = "catalogue ${count.index}"
  url    = "https://hooks.example.com/jurichat/${count.index}"
  events = ["crm.lead.created"]
}
`, target.Emulator.JurichatURL(), token)
}

// A catalogue that refuses the credentials fails the plan, naming the
// credential settings, so that a plan job with a wrong token does not pass
// and leave the failure to the apply. Nothing is created.
func TestAccWebhook_catalogueRefusedFailsPlan(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			target := acctest.NewJuriChat(t)
			target.SkipOnReal(t, "scripts the catalogue's answer")
			target.Emulator.MustScript(emulator.RouteJurichatEvents, emulator.Status(status), emulator.Forever)
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:   catalogueConfig(target, emulator.DefaultJurichatToken),
					PlanOnly: true,
					ExpectError: acctest.ErrorPattern(fmt.Sprintf(`Error Reading JuriChat Event Catalogue.*GET /webhooks/events.*`+
						`HTTP %d.*token \(JURICHAT_TOKEN\).*api_key \(JURICHAT_API_KEY\).*The plan stops here`, status)),
				}},
			})
			if n := target.Emulator.RouteCounts()[emulator.RouteJurichatCreate]; n != 0 {
				t.Errorf("%d creates sent after the plan failed, want 0", n)
			}
		})
	}
}

// Any other failure of the catalogue is a warning the plan shows, once for
// all the webhooks of the run; the plan goes on.
func TestAccWebhook_catalogueFailureWarnsInPlan(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "scripts the catalogue's answer")
	target.Emulator.MustScript(emulator.RouteJurichatEvents, emulator.Status(http.StatusInternalServerError), emulator.Forever)
	ws := acctest.NewWorkspace(t, map[string]func() tfprotov6.ProviderServer{"jurichat": providerserver.NewProtocol6(New("test")())})
	ws.Write("main.tf", catalogueConfig(target, emulator.DefaultJurichatToken))
	ws.MustRun("init", "-no-color", "-input=false")
	out := ws.MustRun("plan", "-no-color", "-input=false")
	for _, want := range []string{"Plan: 2 to add", "Warning: JuriChat Event Catalogue Not Checked",
		"GET /webhooks/events) to check the webhook's events failed with HTTP 500", "the JuriChat API still checks them"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "JuriChat Event Catalogue Not Checked"); n != 1 {
		t.Errorf("the warning appears %d times for 2 webhooks, want once:\n%s", n, out)
	}
	if n := target.Emulator.RouteCounts()[emulator.RouteJurichatEvents]; n != 1 {
		t.Errorf("the catalogue was asked %d times, want once", n)
	}
}
