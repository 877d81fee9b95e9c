package jurichatprovider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// throttledWebhooks is n webhooks under one provider; extra goes into the
// provider block, block into each webhook.
func throttledWebhooks(emu *emulator.Server, n int, extra, block string) string {
	return acctest.Requirements("jurichat") + fmt.Sprintf(`provider "jurichat" {
  base_url = %q
  token    = %q
%s
}

resource "jurichat_webhook" "many" {
  count  = %d
  name   = "throttled ${count.index}"
  url    = "https://hooks.example.com/jurichat/throttled/${count.index}"
  events = ["contact.created"]
%s
}
`, emu.JurichatURL(), emulator.DefaultJurichatToken, extra, n, block)
}

// An apply of many webhooks under a tight rate limit succeeds with the
// default settings: the 429s (far more than max_retries) are waited out,
// every create lands once, and the destroy succeeds the same way.
func TestAccWebhook_throttledApplySucceeds(t *testing.T) {
	target := acctest.NewJuriChat(t, func(o *emulator.Options) { o.RateLimit = 4 })
	target.SkipOnReal(t, "rate-limits the emulator")
	const n = 24
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: throttledWebhooks(target.Emulator, n, "  max_retries = 1", ""),
			Check: func(*terraform.State) error {
				if got := len(target.Emulator.JurichatWebhooks()); got != n {
					return fmt.Errorf("the server holds %d webhooks, want %d (no duplicate, none missing)", got, n)
				}
				if got := target.Emulator.RouteCounts()[emulator.RouteJurichatCreate]; got < n {
					return fmt.Errorf("%d creates reached the server, want at least %d", got, n)
				}
				if limited := target.Emulator.FaultCounts()[emulator.FaultRateLimited]; limited < 2 {
					return fmt.Errorf("the emulator answered 429 %d times: the test did not meet its rate limit", limited)
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if got := len(target.Emulator.JurichatWebhooks()); got != 0 {
				return fmt.Errorf("%d webhooks left after destroy", got)
			}
			return nil
		},
	})
	t.Logf("429 answers: %d; requests: %v", target.Emulator.FaultCounts()[emulator.FaultRateLimited], target.Emulator.RouteCounts())
}

// When throttling outlasts the create's budget, the error says how long it
// waited, how many answers were 429, and which setting raises the budget.
func TestAccWebhook_throttledCreateBudgetSpent(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "scripts 429 answers")
	target.Emulator.MustScript(emulator.RouteJurichatCreate, emulator.Status(http.StatusTooManyRequests), emulator.Forever)
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: throttledWebhooks(target.Emulator, 1, "", `  timeouts {
    create = "2s"
  }`),
			ExpectError: acctest.ErrorPattern(`Error Creating JuriChat Webhook.*HTTP 429 Too Many Requests.*` +
				`throttled this operation until its time budget was spent: it waited [0-9]+s in all, and [2-9] answers were HTTP 429.*` +
				`timeouts \{ create = "4s" \} \(now 2s\)`),
		}},
	})
	if hooks := target.Emulator.JurichatWebhooks(); len(hooks) != 0 {
		t.Errorf("the server holds %d webhooks, want none", len(hooks))
	}
	if n := target.Emulator.RouteCounts()[emulator.RouteJurichatCreate]; n < 2 {
		t.Errorf("the create was sent %d times, want it retried after the 429s", n)
	}
}

// max_requests_per_second caps the pace from the first request: under a
// cap below the emulator's limit, an apply meets no 429 at all.
func TestAccProvider_maxRequestsPerSecondCaps(t *testing.T) {
	target := acctest.NewJuriChat(t, func(o *emulator.Options) { o.RateLimit = 3 })
	target.SkipOnReal(t, "rate-limits the emulator")
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: throttledWebhooks(target.Emulator, 6, "  max_requests_per_second = 2", ""),
			Check: func(*terraform.State) error {
				if got := len(target.Emulator.JurichatWebhooks()); got != 6 {
					return fmt.Errorf("the server holds %d webhooks, want 6", got)
				}
				if limited := target.Emulator.FaultCounts()[emulator.FaultRateLimited]; limited != 0 {
					return fmt.Errorf("the emulator answered 429 %d times under a cap below its limit", limited)
				}
				return nil
			},
		}},
	})
}

// max_requests_per_second is checked at plan time, and its environment
// variable at configure time.
func TestAccProvider_maxRequestsPerSecondInvalid(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "configures the provider against the emulator")
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      throttledWebhooks(target.Emulator, 1, "  max_requests_per_second = 0", ""),
			PlanOnly:    true,
			ExpectError: acctest.ErrorPattern(`max_requests_per_second value must be between 0.1`),
		}},
	})
}

// Not parallel: it sets the environment.
func TestAccProvider_maxRequestsPerSecondInvalidEnvironment(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "sets the JuriChat environment variables")
	t.Setenv(EnvMaxRequestsPerSecond, "fast")
	acctest.Run(t, true, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      target.ProviderConfig + providerTestResource,
			PlanOnly:    true,
			ExpectError: acctest.ErrorPattern(`Invalid JURICHAT_MAX_REQUESTS_PER_SECOND Environment Variable.*"fast".*between 0.1 and 10000`),
		}},
	})
}
