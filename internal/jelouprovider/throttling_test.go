package jelouprovider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// throttledIntegrations is one integration for each of n projects under one
// provider; extra goes into the provider block, block into each resource.
func throttledIntegrations(emu *emulator.Server, prefix string, n int, extra, block string) string {
	return acctest.Requirements("jelou") + fmt.Sprintf(`provider "jelou" {
  base_url = %q
  api_key  = %q
%s
}

resource "jelou_external_support" "many" {
  count       = %d
  project_id  = "%s-${count.index}"
  webhook_url = "https://support.example.com/jelou/${count.index}"
  auth_type   = "no_auth"
%s
}
`, emu.JelouURL(), emulator.DefaultJelouAPIKey, extra, n, prefix, block)
}

// An apply of many integrations under a tight rate limit succeeds with the
// default settings: the 429s (far more than max_retries) are waited out,
// every create lands once, and the destroy succeeds the same way.
func TestAccExternalSupport_throttledApplySucceeds(t *testing.T) {
	target := acctest.NewJelou(t, func(o *emulator.Options) { o.RateLimit = 4 })
	target.SkipOnReal(t, "rate-limits the emulator")
	const n = 20
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: throttledIntegrations(target.Emulator, acctest.RandomName("throttled-"), n, "  max_retries = 1", ""),
			Check: func(*terraform.State) error {
				if got := len(target.Emulator.JelouIntegrations()); got != n {
					return fmt.Errorf("the server holds %d integrations, want %d", got, n)
				}
				if limited := target.Emulator.FaultCounts()[emulator.FaultRateLimited]; limited < 2 {
					return fmt.Errorf("the emulator answered 429 %d times: the test did not meet its rate limit", limited)
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if got := len(target.Emulator.JelouIntegrations()); got != 0 {
				return fmt.Errorf("%d integrations left after destroy", got)
			}
			return nil
		},
	})
	t.Logf("429 answers: %d; requests: %v", target.Emulator.FaultCounts()[emulator.FaultRateLimited], target.Emulator.RouteCounts())
}

// When throttling outlasts the create's budget, the error says how long it
// waited, how many answers were 429, and which setting raises the budget.
func TestAccExternalSupport_throttledCreateBudgetSpent(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "scripts 429 answers")
	target.Emulator.MustScript(emulator.RouteJelouCreate, emulator.Status(http.StatusTooManyRequests), emulator.Forever)
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: throttledIntegrations(target.Emulator, acctest.RandomName("budget-"), 1, "", `  timeouts {
    create = "2s"
  }`),
			ExpectError: acctest.ErrorPattern(`Error Creating Jelou External Support Integration.*HTTP 429 Too Many Requests.*` +
				`throttled this operation until its time budget was spent: it waited [0-9]+s in all, and [2-9] answers were HTTP 429.*` +
				`timeouts \{ create = "4s" \} \(now 2s\)`),
		}},
	})
	if got := len(target.Emulator.JelouIntegrations()); got != 0 {
		t.Errorf("the server holds %d integrations, want none", got)
	}
}
