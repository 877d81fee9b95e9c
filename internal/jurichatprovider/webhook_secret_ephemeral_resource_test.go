package jurichatprovider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

// createOutOfBand creates a webhook with the test's client (not through
// Terraform) and deletes it when the test ends.
func createOutOfBand(t *testing.T, target *acctest.JuriChat) *jurichat.Webhook {
	t.Helper()
	hook, err := target.Client.CreateWebhook(context.Background(), jurichat.CreateWebhookRequest{
		Name:   acctest.RandomName("tf-acc-oob-"),
		URL:    "https://hooks.example.com/jurichat/out-of-band",
		Events: []string{"contact.created"},
	})
	if err != nil {
		t.Fatalf("creating a webhook out of band: %v", err)
	}
	t.Cleanup(func() {
		if err := target.Client.DeleteWebhook(context.Background(), hook.ID); err != nil && !errors.Is(err, jurichat.ErrNotFound) {
			t.Errorf("deleting the out-of-band webhook %s: %v", hook.ID, err)
		}
	})
	return hook
}

// secretOnlyAt is a state check: the state holds exactly the resources
// listed, and the server's secret for the webhook appears only at the
// allowed attribute paths ("echo.test.data.secret"). It proves that the
// ephemeral resource itself leaves nothing in state. Its messages name
// paths, never values.
type secretOnlyAt struct {
	target    *acctest.JuriChat
	webhookID func() string
	resources []string
	allowed   []string
}

func (c secretOnlyAt) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	hook, err := c.target.Client.GetWebhook(ctx, c.webhookID())
	if err != nil {
		resp.Error = fmt.Errorf("reading the webhook back from the server: %w", err)
		return
	}
	if hook.Secret == "" {
		resp.Error = errors.New("the server returned no secret")
		return
	}
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = errors.New("the state is empty")
		return
	}

	var addresses []string
	found := map[string]bool{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			if strings.Contains(x, hook.Secret) {
				found[path] = true
			}
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s.%d", path, i), e)
			}
		}
	}
	var modules func(m *tfjson.StateModule)
	modules = func(m *tfjson.StateModule) {
		for _, r := range m.Resources {
			addresses = append(addresses, r.Address)
			for k, v := range r.AttributeValues {
				walk(r.Address+"."+k, v)
			}
		}
		for _, child := range m.ChildModules {
			modules(child)
		}
	}
	modules(req.State.Values.RootModule)
	for name, out := range req.State.Values.Outputs {
		walk("output."+name, out.Value)
	}

	sort.Strings(addresses)
	want := append([]string(nil), c.resources...)
	sort.Strings(want)
	if strings.Join(addresses, ",") != strings.Join(want, ",") {
		resp.Error = fmt.Errorf("the state holds %v, want exactly %v: an ephemeral resource must never reach state", addresses, want)
		return
	}
	for _, path := range c.allowed {
		if !found[path] {
			resp.Error = fmt.Errorf("%s does not hold the server's secret", path)
			return
		}
		delete(found, path)
	}
	for path := range found {
		resp.Error = fmt.Errorf("the secret reached state at %s, where it must not be", path)
		return
	}
}

// withEcho returns the target's provider configuration with the echo
// provider declared too (a module has one required_providers block).
func withEcho(target *acctest.JuriChat) string {
	return strings.Replace(target.ProviderConfig, acctest.Requirements("jurichat"), acctest.Requirements("jurichat", "echo"), 1)
}

func ephemeralConfig(target *acctest.JuriChat, webhookID string) string {
	return withEcho(target) + fmt.Sprintf(`
ephemeral "jurichat_webhook_secret" "test" {
  webhook_id = %s
}

provider "echo" {
  data = ephemeral.jurichat_webhook_secret.test
}

resource "echo" "test" {}
`, webhookID)
}

// The ephemeral resource reads the secret of a webhook created outside
// Terraform; echo surfaces it, and nothing else of it reaches state.
func TestAccWebhookSecretEphemeralResource(t *testing.T) {
	target := acctest.NewJuriChat(t)
	hook := createOutOfBand(t, target)

	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactoriesWithEcho,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureEphemeral),
		Steps: []resource.TestStep{{
			Config: ephemeralConfig(target, fmt.Sprintf("%q", hook.ID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("webhook_id"), knownvalue.StringExact(hook.ID)),
				secretOnlyAt{
					target: target, webhookID: func() string { return hook.ID },
					resources: []string{"echo.test"},
					allowed:   []string{"echo.test.data.secret"},
				},
			},
		}},
	})
}

// With a managed webhook, the ephemeral secret equals the resource's, and
// the secret is in state only where the resource itself keeps it.
func TestAccWebhookSecretEphemeralResource_managedWebhook(t *testing.T) {
	target := acctest.NewJuriChat(t)
	var id string
	config := ephemeralConfig(target, "jurichat_webhook.test.id") + strings.TrimPrefix(webhookConfig(target, fmt.Sprintf(`
  name   = %q
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
`, acctest.RandomName("tf-acc-"))), target.ProviderConfig)

	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactoriesWithEcho,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureEphemeral),
		CheckDestroy:             checkNoWebhook(target, &id),
		Steps: []resource.TestStep{{
			Config: config,
			Check:  recordID(&id),
			ConfigStateChecks: []statecheck.StateCheck{
				secretOnlyAt{
					target: target, webhookID: func() string { return id },
					resources: []string{resName, "echo.test"},
					allowed:   []string{resName + ".secret", "echo.test.data.secret", "output.secret"},
				},
			},
		}},
	})
}

func TestAccWebhookSecretEphemeralResource_notFound(t *testing.T) {
	target := acctest.NewJuriChat(t)
	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactoriesWithEcho,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureEphemeral),
		Steps: []resource.TestStep{{
			Config:      ephemeralConfig(target, `"00000000-0000-4000-8000-000000000000"`),
			ExpectError: acctest.ErrorPattern(`Error Reading JuriChat Webhook Secret.*HTTP 404.*No webhook 00000000-0000-4000-8000-000000000000 exists`),
		}},
	})
}
