package jurichatprovider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
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
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

const resName = "jurichat_webhook.test"

// Emulator request keys ("<METHOD> <route pattern>").
const (
	patternCreate = "POST /jurichat/webhooks"
	patternPatch  = "PATCH /jurichat/webhooks/{webhookId}"
	patternEvents = "GET /jurichat/webhooks/events"
)

func webhookConfig(target *acctest.JuriChat, body string) string {
	return target.ProviderConfig + fmt.Sprintf(`
resource "jurichat_webhook" "test" {
%s
}

output "secret" {
  value     = jurichat_webhook.test.secret
  sensitive = true
}
`, body)
}

// primary returns the attributes of a resource in the state.
func primary(s *terraform.State, name string) (map[string]string, error) {
	rs, ok := s.RootModule().Resources[name]
	if !ok || rs.Primary == nil {
		return nil, fmt.Errorf("%s is not in the state", name)
	}
	return rs.Primary.Attributes, nil
}

func webhookID(s *terraform.State) (string, error) {
	attrs, err := primary(s, resName)
	if err != nil {
		return "", err
	}
	if attrs["id"] == "" {
		return "", fmt.Errorf("%s has no id", resName)
	}
	return attrs["id"], nil
}

// checkServer runs want against the webhook as the server returns it (GET),
// with the state attributes of resName.
func checkServer(target *acctest.JuriChat, want func(h *jurichat.Webhook, attrs map[string]string) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := primary(s, resName)
		if err != nil {
			return err
		}
		h, err := target.Client.GetWebhook(context.Background(), attrs["id"])
		if err != nil {
			return fmt.Errorf("reading webhook %s back from the server: %w", attrs["id"], err)
		}
		return want(h, attrs)
	}
}

// checkSecretMatchesServer checks that the secret in state is the one the
// server signs with, without printing either.
func checkSecretMatchesServer(target *acctest.JuriChat) resource.TestCheckFunc {
	return checkServer(target, func(h *jurichat.Webhook, attrs map[string]string) error {
		if h.Secret == "" || attrs["secret"] != h.Secret {
			return fmt.Errorf("%s.secret (%d characters) differs from the server's (%d characters)", resName, len(attrs["secret"]), len(h.Secret))
		}
		return nil
	})
}

// checkEmulatorSecret checks the secret in state against the emulator's own
// store (not through the client under test).
func checkEmulatorSecret(target *acctest.JuriChat) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := webhookID(s)
		if err != nil {
			return err
		}
		return acctest.CheckAttrEquals(resName, "secret", func() (string, error) {
			h, ok := target.Emulator.JurichatWebhook(id)
			if !ok {
				return "", fmt.Errorf("the emulator holds no webhook %s", id)
			}
			return h.Secret, nil
		})(s)
	}
}

func checkNoWebhook(target *acctest.JuriChat, id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if *id == "" {
			return errors.New("the test never recorded the webhook id")
		}
		_, err := target.Client.GetWebhook(context.Background(), *id)
		if errors.Is(err, jurichat.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("webhook %s still exists after destroy", *id)
	}
}

func recordID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v, err := webhookID(s)
		*id = v
		return err
	}
}

// sameHeaders compares header maps by name and value, reporting only names.
func sameHeaders(got, want map[string]string) error {
	if len(got) != len(want) {
		return fmt.Errorf("headers have names %v, want %v", sortedKeys(got), sortedKeys(want))
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			return fmt.Errorf("headers have names %v, want %v", sortedKeys(got), sortedKeys(want))
		}
		if g != w {
			return fmt.Errorf("header %q has a different value (%d characters, want %d)", name, len(g), len(w))
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// anyHeaders converts a decoded JSON object of strings.
func anyHeaders(v any) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("headers is %T, want a JSON object", v)
	}
	out := map[string]string{}
	for k, x := range m {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("header %q is %T, want a string", k, x)
		}
		out[k] = s
	}
	return out, nil
}

// checkPatch checks that the server received exactly one PATCH since the
// step's PreConfig reset the request log, holding exactly the given fields,
// and runs body on it.
func checkPatch(target *acctest.JuriChat, fields []string, body func(map[string]any) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		bodies, err := acctest.RequestBodies(target.Emulator, patternPatch)
		if err != nil {
			return err
		}
		if len(bodies) != 1 {
			return fmt.Errorf("the server received %d PATCH requests, want 1", len(bodies))
		}
		got := sortedKeys(bodies[0])
		want := slices.Sorted(slices.Values(fields))
		if !slices.Equal(got, want) {
			return fmt.Errorf("PATCH body has fields %v, want only %v", got, want)
		}
		if body != nil {
			return body(bodies[0])
		}
		return nil
	}
}

// onEmulator returns checks only when the test runs against the emulator.
func onEmulator(target *acctest.JuriChat, checks ...resource.TestCheckFunc) []resource.TestCheckFunc {
	if target.Real() {
		return nil
	}
	return checks
}

func resetRequests(target *acctest.JuriChat) func() {
	if target.Real() {
		return nil
	}
	return target.Emulator.ResetRequests
}

func TestAccWebhook_lifecycle(t *testing.T) {
	target := acctest.NewJuriChat(t)
	name := acctest.RandomName("tf-acc-")
	var id string
	compareID := statecheck.CompareValue(compare.ValuesSame())
	compareSecret := statecheck.CompareValue(compare.ValuesSame())
	compareCreated := statecheck.CompareValue(compare.ValuesSame())

	created := fmt.Sprintf(`
  name        = %q
  url         = "https://hooks.example.com/jurichat"
  events      = ["crm.lead.created", "contact.created"]
  description = "Created by the acceptance tests"
  headers = {
    "X-Receiver-Token" = "header-credential-one"
  }
`, name)
	renamed := fmt.Sprintf(`
  name        = %q
  url         = "https://hooks.example.com/jurichat/v2"
  events      = ["crm.lead.created", "contact.created"]
  description = "Updated by the acceptance tests"
  headers = {
    "X-Receiver-Token" = "header-credential-one"
  }
`, name+"-renamed")
	newEvents := fmt.Sprintf(`
  name        = %q
  url         = "https://hooks.example.com/jurichat/v2"
  events      = ["crm.lead.created", "chat.conversation.assigned", "webhook.test"]
  description = "Updated by the acceptance tests"
  headers = {
    "X-Receiver-Token" = "header-credential-one"
  }
`, name+"-renamed")
	newHeaders := fmt.Sprintf(`
  name        = %q
  url         = "https://hooks.example.com/jurichat/v2"
  events      = ["crm.lead.created", "chat.conversation.assigned", "webhook.test"]
  description = "Updated by the acceptance tests"
  headers = {
    "X-Receiver-Token" = "header-credential-two"
    "X-Tenant"         = "acme"
  }
`, name+"-renamed")
	unset := fmt.Sprintf(`
  name   = %q
  url    = "https://hooks.example.com/jurichat/v2"
  events = ["crm.lead.created", "chat.conversation.assigned", "webhook.test"]
`, name+"-renamed")
	cleared := unset + "  headers = {}\n"
	paused := cleared + "  is_active = false\n"

	inPlace := func(extra ...statecheck.StateCheck) []statecheck.StateCheck {
		return append([]statecheck.StateCheck{
			compareID.AddStateValue(resName, tfjsonpath.New("id")),
			compareSecret.AddStateValue(resName, tfjsonpath.New("secret")),
			compareCreated.AddStateValue(resName, tfjsonpath.New("created_at")),
		}, extra...)
	}
	expectUpdate := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate),
		plancheck.ExpectSensitiveValue(resName, tfjsonpath.New("secret")),
	}}
	importStep := resource.TestStep{
		ResourceName:      resName,
		ImportState:       true,
		ImportStateIdFunc: webhookID,
		// Nothing is ignored: the API returns every attribute, the secret included.
		ImportStateVerify: true,
	}

	steps := []resource.TestStep{
		// Create.
		{
			Config: webhookConfig(target, created),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate),
				plancheck.ExpectSensitiveValue(resName, tfjsonpath.New("secret")),
				plancheck.ExpectSensitiveValue(resName, tfjsonpath.New("headers")),
				plancheck.ExpectUnknownValue(resName, tfjsonpath.New("secret")),
			}},
			ConfigStateChecks: inPlace(
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("name"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("url"), knownvalue.StringExact("https://hooks.example.com/jurichat")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("events"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("crm.lead.created"), knownvalue.StringExact("contact.created"),
				})),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("description"), knownvalue.StringExact("Created by the acceptance tests")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("is_active"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("headers"), knownvalue.MapSizeExact(1)),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("office_id"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("created_at"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
				statecheck.ExpectSensitiveValue(resName, tfjsonpath.New("secret")),
				statecheck.ExpectSensitiveValue(resName, tfjsonpath.New("headers")),
				statecheck.ExpectKnownOutputValue("secret", knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
			),
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
				recordID(&id),
				acctest.CheckAttrEquals(resName, "headers.X-Receiver-Token", func() (string, error) { return "header-credential-one", nil }),
				checkSecretMatchesServer(target),
				checkServer(target, func(h *jurichat.Webhook, _ map[string]string) error {
					if h.Name != name || h.URL != "https://hooks.example.com/jurichat" || !h.IsActive ||
						h.Description == nil || *h.Description != "Created by the acceptance tests" {
						return fmt.Errorf("server holds name %q url %q isActive %v description set %v", h.Name, h.URL, h.IsActive, h.Description != nil)
					}
					if got := slices.Sorted(slices.Values(h.Events)); !slices.Equal(got, []string{"contact.created", "crm.lead.created"}) {
						return fmt.Errorf("server holds events %v", got)
					}
					return sameHeaders(h.Headers, map[string]string{"X-Receiver-Token": "header-credential-one"})
				}),
			}, onEmulator(target, checkEmulatorSecret(target), checkCreateRequest(target, name))...)...),
		},
		// Refresh keeps everything, the secret included; then the plan is empty.
		{
			RefreshState: true,
			Check:        checkSecretMatchesServer(target),
		},
		{
			Config: webhookConfig(target, created),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: inPlace(),
		},
		importStep,
		// name, url and description in place; only they are sent.
		{
			PreConfig:        resetRequests(target),
			Config:           webhookConfig(target, renamed),
			ConfigPlanChecks: expectUpdate,
			ConfigStateChecks: inPlace(
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("name"), knownvalue.StringExact(name+"-renamed")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("url"), knownvalue.StringExact("https://hooks.example.com/jurichat/v2")),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("description"), knownvalue.StringExact("Updated by the acceptance tests")),
			),
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
				checkServer(target, func(h *jurichat.Webhook, _ map[string]string) error {
					if h.Name != name+"-renamed" || h.URL != "https://hooks.example.com/jurichat/v2" ||
						h.Description == nil || *h.Description != "Updated by the acceptance tests" {
						return fmt.Errorf("server holds name %q url %q after update", h.Name, h.URL)
					}
					return nil
				}),
				checkSecretMatchesServer(target),
			}, onEmulator(target, checkPatch(target, []string{"name", "url", "description"}, nil))...)...),
		},
		// events in place: the whole new list is sent, nothing else.
		{
			PreConfig:        resetRequests(target),
			Config:           webhookConfig(target, newEvents),
			ConfigPlanChecks: expectUpdate,
			ConfigStateChecks: inPlace(
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("events"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("crm.lead.created"), knownvalue.StringExact("chat.conversation.assigned"),
					knownvalue.StringExact("webhook.test"),
				})),
			),
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
				checkServer(target, func(h *jurichat.Webhook, _ map[string]string) error {
					want := []string{"chat.conversation.assigned", "crm.lead.created", "webhook.test"}
					if got := slices.Sorted(slices.Values(h.Events)); !slices.Equal(got, want) {
						return fmt.Errorf("server holds events %v, want %v", got, want)
					}
					return nil
				}),
			}, onEmulator(target, checkPatch(target, []string{"events"}, nil))...)...),
		},
		// headers in place: a changed value and a new header; the whole map is sent.
		{
			PreConfig:        resetRequests(target),
			Config:           webhookConfig(target, newHeaders),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(expectUpdate.PreApply, plancheck.ExpectSensitiveValue(resName, tfjsonpath.New("headers")))},
			ConfigStateChecks: inPlace(
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("headers"), knownvalue.MapSizeExact(2)),
			),
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
				acctest.CheckAttrEquals(resName, "headers.X-Receiver-Token", func() (string, error) { return "header-credential-two", nil }),
				acctest.CheckAttrEquals(resName, "headers.X-Tenant", func() (string, error) { return "acme", nil }),
				checkServer(target, func(h *jurichat.Webhook, _ map[string]string) error {
					return sameHeaders(h.Headers, map[string]string{"X-Receiver-Token": "header-credential-two", "X-Tenant": "acme"})
				}),
			}, onEmulator(target, checkPatch(target, []string{"headers"}, func(b map[string]any) error {
				got, err := anyHeaders(b["headers"])
				if err != nil {
					return err
				}
				return sameHeaders(got, map[string]string{"X-Receiver-Token": "header-credential-two", "X-Tenant": "acme"})
			}))...)...),
		},
		// Removing description clears it on the server (sent as null); removing
		// headers leaves the server's headers alone: they stay, in state too.
		{
			PreConfig:        resetRequests(target),
			Config:           webhookConfig(target, unset),
			ConfigPlanChecks: expectUpdate,
			ConfigStateChecks: inPlace(
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("description"), knownvalue.Null()),
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("headers"), knownvalue.MapSizeExact(2)),
			),
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
				checkServer(target, func(h *jurichat.Webhook, _ map[string]string) error {
					if h.Description != nil {
						return errors.New("server still holds a description")
					}
					return sameHeaders(h.Headers, map[string]string{"X-Receiver-Token": "header-credential-two", "X-Tenant": "acme"})
				}),
			}, onEmulator(target, checkPatch(target, []string{"description"}, func(b map[string]any) error {
				if b["description"] != nil {
					return errors.New("description must be sent as null to clear it")
				}
				return nil
			}))...)...),
		},
		// headers = {} clears them on the server: sent as null.
		{
			PreConfig:        resetRequests(target),
			Config:           webhookConfig(target, cleared),
			ConfigPlanChecks: expectUpdate,
			ConfigStateChecks: inPlace(
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("headers"), knownvalue.MapSizeExact(0)),
			),
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
				checkServer(target, func(h *jurichat.Webhook, _ map[string]string) error {
					if len(h.Headers) != 0 {
						return fmt.Errorf("server still holds headers %v", sortedKeys(h.Headers))
					}
					return nil
				}),
			}, onEmulator(target, checkPatch(target, []string{"headers"}, func(b map[string]any) error {
				if v, sent := b["headers"]; !sent || v != nil {
					return errors.New("headers = {} must be sent as null to clear them")
				}
				return nil
			}))...)...),
		},
		// is_active false pauses the webhook in place.
		{
			PreConfig:        resetRequests(target),
			Config:           webhookConfig(target, paused),
			ConfigPlanChecks: expectUpdate,
			ConfigStateChecks: inPlace(
				statecheck.ExpectKnownValue(resName, tfjsonpath.New("is_active"), knownvalue.Bool(false)),
			),
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
				checkServer(target, func(h *jurichat.Webhook, _ map[string]string) error {
					if h.IsActive {
						return errors.New("server still has isActive true")
					}
					return nil
				}),
				checkSecretMatchesServer(target),
			}, onEmulator(target, checkPatch(target, []string{"isActive"}, func(b map[string]any) error {
				if b["isActive"] != false {
					return fmt.Errorf("PATCH sent isActive %v, want false", b["isActive"])
				}
				return nil
			}))...)...),
		},
		// Import again: no description, no headers, paused.
		importStep,
	}

	acctest.Run(t, target.Real(), resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoWebhook(target, &id),
		Steps:                    steps,
	})
}

// checkCreateRequest asserts on what the emulator received for the create:
// the body, the authentication and the user agent.
func checkCreateRequest(target *acctest.JuriChat, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		bodies, err := acctest.RequestBodies(target.Emulator, patternCreate)
		if err != nil {
			return err
		}
		if len(bodies) != 1 {
			return fmt.Errorf("the server received %d create requests, want 1", len(bodies))
		}
		b := bodies[0]
		if b["name"] != name || b["url"] != "https://hooks.example.com/jurichat" ||
			b["description"] != "Created by the acceptance tests" || b["isActive"] != true {
			return fmt.Errorf("create body has name=%v url=%v description=%v isActive=%v", b["name"], b["url"], b["description"], b["isActive"])
		}
		events, _ := b["events"].([]any)
		got := make([]string, 0, len(events))
		for _, e := range events {
			s, _ := e.(string)
			got = append(got, s)
		}
		if slices.Sort(got); !slices.Equal(got, []string{"contact.created", "crm.lead.created"}) {
			return fmt.Errorf("create body has events %v", got)
		}
		headers, err := anyHeaders(b["headers"])
		if err != nil {
			return err
		}
		if err := sameHeaders(headers, map[string]string{"X-Receiver-Token": "header-credential-one"}); err != nil {
			return fmt.Errorf("create body: %w", err)
		}
		for _, r := range target.Emulator.Requests() {
			if r.Header.Get("Authorization") != "Bearer "+emulator.DefaultJurichatToken || r.Header.Get("x-jurichat-api-key") != "" {
				return fmt.Errorf("%s %s was not authenticated with the bearer token alone", r.Method, r.Path)
			}
			if ua := r.Header.Get("User-Agent"); ua != "terraform-provider-jurichat/test" && ua != "terraform-provider-jurichat-acctest" {
				return fmt.Errorf("%s %s was sent with User-Agent %q", r.Method, r.Path, ua)
			}
		}
		return nil
	}
}

// A change of header name case alone is no diff, neither in the
// configuration nor on the server; together with a value change it is sent.
func TestAccWebhook_headerNameCase(t *testing.T) {
	target := acctest.NewJuriChat(t)
	name := acctest.RandomName("tf-acc-")
	config := func(headerName, value string) string {
		return webhookConfig(target, fmt.Sprintf(`
  name   = %q
  url    = "https://hooks.example.com/jurichat"
  events = ["contact.created"]
  headers = {
    %q = %q
  }
`, name, headerName, value))
	}
	var id string
	compareID := statecheck.CompareValue(compare.ValuesSame())
	steps := []resource.TestStep{
		{
			Config:            config("X-Receiver-Token", "case-test-value"),
			ConfigStateChecks: []statecheck.StateCheck{compareID.AddStateValue(resName, tfjsonpath.New("id"))},
			Check:             recordID(&id),
		},
		{
			PreConfig: resetRequests(target),
			Config:    config("x-receiver-TOKEN", "case-test-value"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			// The state keeps the spelling the server holds.
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
				resource.TestCheckResourceAttrSet(resName, "headers.X-Receiver-Token"),
			}, onEmulator(target, func(*terraform.State) error {
				if n := target.Emulator.RequestCounts()[patternPatch]; n != 0 {
					return fmt.Errorf("a case-only change sent %d PATCH requests", n)
				}
				return nil
			})...)...),
		},
		// A new value with the new spelling is an update that sends the new spelling.
		{
			PreConfig: resetRequests(target),
			Config:    config("x-receiver-token", "case-test-value-two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{compareID.AddStateValue(resName, tfjsonpath.New("id"))},
			Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
				acctest.CheckAttrEquals(resName, "headers.x-receiver-token", func() (string, error) { return "case-test-value-two", nil }),
			}, onEmulator(target, checkPatch(target, []string{"headers"}, func(b map[string]any) error {
				got, err := anyHeaders(b["headers"])
				if err != nil {
					return err
				}
				return sameHeaders(got, map[string]string{"x-receiver-token": "case-test-value-two"})
			}))...)...),
		},
	}
	if !target.Real() {
		// The server changes the case of the name (as a normalising server
		// would): refresh keeps the state's spelling and the plan stays empty.
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				target.Emulator.ModifyJurichatWebhook(id, func(h *emulator.JurichatWebhook) {
					h.Headers = map[string]string{"X-RECEIVER-TOKEN": h.Headers["x-receiver-token"]}
				})
			},
			Config: config("x-receiver-token", "case-test-value-two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.TestCheckResourceAttrSet(resName, "headers.x-receiver-token"),
		})
	}

	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoWebhook(target, &id),
		Steps:                    steps,
	})
}

// A webhook deleted outside Terraform is removed from state with a warning
// and created again, with a new secret.
func TestAccWebhook_deletedOutsideTerraform(t *testing.T) {
	target := acctest.NewJuriChat(t)
	config := webhookConfig(target, fmt.Sprintf(`
  name   = %q
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
`, acctest.RandomName("tf-acc-")))
	var firstID, firstSecret, id string

	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoWebhook(target, &id),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					attrs, err := primary(s, resName)
					if err != nil {
						return err
					}
					firstID, firstSecret = attrs["id"], attrs["secret"]
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := target.Client.DeleteWebhook(context.Background(), firstID); err != nil {
						t.Fatalf("deleting the webhook out of band: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					recordID(&id),
					checkSecretMatchesServer(target),
					func(s *terraform.State) error {
						attrs, err := primary(s, resName)
						if err != nil {
							return err
						}
						if attrs["id"] == firstID {
							return errors.New("the recreated webhook kept the deleted webhook's id")
						}
						if attrs["secret"] == "" || attrs["secret"] == firstSecret {
							return errors.New("the recreated webhook must carry a new, non-empty secret")
						}
						return nil
					},
				),
			},
		},
	})
}

// A change made outside Terraform shows as drift and is corrected in place.
func TestAccWebhook_driftCorrected(t *testing.T) {
	target := acctest.NewJuriChat(t)
	name := acctest.RandomName("tf-acc-")
	config := webhookConfig(target, fmt.Sprintf(`
  name        = %q
  url         = "https://hooks.example.com/jurichat"
  events      = ["crm.lead.created"]
  description = "managed by Terraform"
`, name))
	var id string
	compareID := statecheck.CompareValue(compare.ValuesSame())

	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoWebhook(target, &id),
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{compareID.AddStateValue(resName, tfjsonpath.New("id"))},
				Check:             recordID(&id),
			},
			{
				PreConfig: func() {
					other := "changed outside Terraform"
					active := false
					_, err := target.Client.UpdateWebhook(context.Background(), id, jurichat.UpdateWebhookRequest{
						Description: &other, IsActive: &active, Events: []string{"contact.created"},
					})
					if err != nil {
						t.Fatalf("changing the webhook out of band: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resName, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{compareID.AddStateValue(resName, tfjsonpath.New("id"))},
				Check: checkServer(target, func(h *jurichat.Webhook, _ map[string]string) error {
					if h.Description == nil || *h.Description != "managed by Terraform" || !h.IsActive ||
						!slices.Equal(h.Events, []string{"crm.lead.created"}) {
						return fmt.Errorf("drift was not corrected: description set %v, isActive %v, events %v", h.Description != nil, h.IsActive, h.Events)
					}
					return nil
				}),
			},
		},
	})
}

// Every invalid input is a plan-time error naming the attribute.
func TestAccWebhook_invalidInput(t *testing.T) {
	target := acctest.NewJuriChat(t)
	valid := map[string]string{
		"name":   `name = "valid"`,
		"url":    `url = "https://hooks.example.com/jurichat"`,
		"events": `events = ["crm.lead.created"]`,
	}
	body := func(overrides ...string) string {
		lines := map[string]string{}
		for k, v := range valid {
			lines[k] = v
		}
		for _, o := range overrides {
			if key, ok := strings.CutPrefix(o, "-"); ok {
				delete(lines, key)
				continue
			}
			key, _, _ := strings.Cut(o, " ")
			lines[key] = o
		}
		var b strings.Builder
		for _, k := range sortedKeys(lines) {
			b.WriteString("  " + lines[k] + "\n")
		}
		return b.String()
	}
	cases := map[string]struct {
		body string
		want string
	}{
		"empty name":                   {body(`name = ""`), `name.*must be between 1 and 100`},
		"name of 101 characters":       {body(fmt.Sprintf(`name = %q`, strings.Repeat("n", 101))), `name.*must be between 1 and 100`},
		"missing name":                 {body("-name"), `"name" is required`},
		"http url on a public host":    {body(`url = "http://hooks.example.com/jurichat"`), `url.*must use https`},
		"credentials in the url":       {body(`url = "https://u:p@hooks.example.com/jurichat"`), `url.*user:password`},
		"relative url":                 {body(`url = "/jurichat"`), `url.*absolute`},
		"ftp url":                      {body(`url = "ftp://hooks.example.com/jurichat"`), `url.*https scheme`},
		"empty url":                    {body(`url = ""`), `url.*must not be empty`},
		"no events":                    {body(`events = []`), `events.*at least 1`},
		"empty event name":             {body(`events = [""]`), `events.*at least 1`},
		"missing events":               {body("-events"), `"events" is required`},
		"unknown event":                {body(`events = ["crm.lead.created", "crm.lead.exploded"]`), `Unknown JuriChat Webhook Event.*"crm\.lead\.exploded".*Valid events:.*crm\.lead\.created`},
		"description of 501":           {body(fmt.Sprintf(`description = %q`, strings.Repeat("d", 501))), `description.*at most 500`},
		"header name with a space":     {body(`headers = { "X Token" = "v" }`), `Invalid Header Name.*"X Token"`},
		"header name with a colon":     {body(`headers = { "X-Token:" = "v" }`), `Invalid Header Name.*"X-Token:"`},
		"empty header name":            {body(`headers = { "" = "v" }`), `Invalid Header Name`},
		"names equal but for case":     {body(`headers = { "X-Token" = "a", "x-token" = "b" }`), `Duplicate Header Name.*"X-Token".*"x-token".*case-insensitive`},
		"reserved content type":        {body(`headers = { "content-type" = "text/plain" }`), `Reserved Header Name.*"content-type"`},
		"reserved host":                {body(`headers = { "Host" = "evil.example.com" }`), `Reserved Header Name.*"Host"`},
		"reserved signature":           {body(`headers = { "X-JuriChat-Signature" = "sha256=00" }`), `Reserved Header Name.*"X-JuriChat-Signature".*signature`},
		"reserved delivery id":         {body(`headers = { "x-jurichat-delivery" = "1" }`), `Reserved Header Name.*"x-jurichat-delivery"`},
		"header value with line break": {body(`headers = { "X-Token" = "a\nInjected: b" }`), `Invalid Header Value.*"X-Token".*not shown`},
		"url with white space":         {body(`url = "https://hooks.example.com/jurichat "`), `url.*white space`},
		"unparsable url":               {body(`url = "https://hooks example.com/jurichat"`), `url.*valid absolute URL`},
		"reserved content length":      {body(`headers = { "Content-Length" = "0" }`), `Reserved Header Name.*"Content-Length"`},
		"reserved transfer encoding":   {body(`headers = { "Transfer-Encoding" = "chunked" }`), `Reserved Header Name.*"Transfer-Encoding"`},
		"reserved connection":          {body(`headers = { "connection" = "close" }`), `Reserved Header Name.*"connection"`},
		"reserved user agent":          {body(`headers = { "User-Agent" = "x" }`), `Reserved Header Name.*"User-Agent"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acctest.Run(t, target.Real(), resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      webhookConfig(target, tc.body),
					PlanOnly:    true,
					ExpectError: acctest.ErrorPattern(tc.want),
				}},
			})
		})
	}

	// Inputs outside the resource's own arguments: the data source's id, the
	// ephemeral secret's webhook_id, and the id of an import block.
	configs := map[string]struct {
		config    string
		want      string
		ephemeral bool
	}{
		"data source: empty id": {config: `
data "jurichat_webhook" "test" {
  id = ""
}
`, want: `id.*at least 1`},
		"data source: missing id": {config: `
data "jurichat_webhook" "test" {}
`, want: `"id" is required`},
		"ephemeral secret: empty webhook_id": {config: `
ephemeral "jurichat_webhook_secret" "test" {
  webhook_id = ""
}
`, want: `webhook_id.*at least 1`, ephemeral: true},
		"ephemeral secret: missing webhook_id": {config: `
ephemeral "jurichat_webhook_secret" "test" {}
`, want: `"webhook_id" is required`, ephemeral: true},
		"import block: id with a slash": {config: `
import {
  to = jurichat_webhook.test
  id = "a/b"
}

resource "jurichat_webhook" "test" {
  name   = "valid"
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
}
`, want: `Invalid Import ID.*"a/b" is not a webhook id`},
	}
	for name, tc := range configs {
		t.Run(name, func(t *testing.T) {
			var versionChecks []tfversion.TerraformVersionCheck
			if tc.ephemeral {
				versionChecks = acctest.SkipWithout(acctest.FeatureEphemeral)
			}
			acctest.Run(t, target.Real(), resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				TerraformVersionChecks:   versionChecks,
				Steps: []resource.TestStep{{
					Config:      target.ProviderConfig + tc.config,
					PlanOnly:    true,
					ExpectError: acctest.ErrorPattern(tc.want),
				}},
			})
		})
	}
}

// When the catalogue cannot be fetched the plan goes on, and the API's own
// rejection of an unknown event is reported at apply.
func TestAccWebhook_catalogueUnavailable(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "needs a catalogue endpoint that fails")
	target.Emulator.MustScript(emulator.RouteJurichatEvents, emulator.Status(http.StatusInternalServerError), emulator.Forever)
	config := acctest.Requirements("jurichat") + fmt.Sprintf("provider \"jurichat\" {\n  base_url = %q\n  token    = %q\n}\n", target.Emulator.JurichatURL(), emulator.DefaultJurichatToken) + `
resource "jurichat_webhook" "test" {
  name   = "catalogue unavailable"
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.exploded"]
}
`
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: acctest.ErrorPattern(`Error Creating JuriChat Webhook.*HTTP 400.*unknown events.*crm\.lead\.exploded`),
		}},
	})
}

// The catalogue is fetched at most once per provider run, however many
// webhooks the configuration holds.
func TestAccWebhook_catalogueFetchedOnce(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "counts the requests the server received")
	config := target.ProviderConfig + `
resource "jurichat_webhook" "test" {
  count  = 6
  name   = "catalogue test ${count.index}"
  url    = "https://hooks.example.com/jurichat/${count.index}"
  events = ["crm.lead.created", "contact.created", "webhook.test"]
}
`
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: target.Emulator.ResetRequests,
			Config:    config,
			Check: func(*terraform.State) error {
				counts := target.Emulator.RequestCounts()
				if counts[patternCreate] != 6 {
					return fmt.Errorf("the server received %d creates, want 6", counts[patternCreate])
				}
				// One plan and one apply run (each with its own provider
				// process in real use) may each fetch it once.
				if n := counts[patternEvents]; n < 1 || n > 2 {
					return fmt.Errorf("the catalogue was fetched %d times for 6 webhooks, want once per provider run", n)
				}
				return nil
			},
		}},
	})
}
