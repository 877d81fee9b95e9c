package jurichatprovider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

const (
	dsWebhook  = "data.jurichat_webhook.test"
	dsWebhooks = "data.jurichat_webhooks.all"
	dsEvents   = "data.jurichat_webhook_events.all"
)

// receiver is a webhook endpoint on loopback that records the deliveries it gets.
type receiver struct {
	*httptest.Server
	mu         sync.Mutex
	deliveries []*http.Request
	bodies     [][]byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.deliveries = append(r.deliveries, req)
		r.bodies = append(r.bodies, body)
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

// deliver asks the emulator to send one event to the webhook.
func deliver(target *acctest.JuriChat, id, event string) error {
	u := target.Emulator.URL + "/_emulator/jurichat/webhooks/" + id + "/deliver?event=" + event
	resp, err := http.Post(u, "application/json", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the emulator answered HTTP %d to the delivery request", resp.StatusCode)
	}
	return nil
}

func TestAccWebhookDataSources(t *testing.T) {
	target := acctest.NewJuriChat(t)
	name := acctest.RandomName("tf-acc-")
	hookURL := "https://hooks.example.com/jurichat"
	var recv *receiver
	if !target.Real() {
		recv = newReceiver(t)
		hookURL = recv.URL + "/hook"
	}
	resourceConfig := webhookConfig(target, fmt.Sprintf(`
  name        = %q
  url         = %q
  events      = ["crm.lead.created", "webhook.test"]
  description = "data source test"
  headers = {
    "X-Receiver-Token" = "data-source-credential"
  }
`, name, hookURL))
	config := resourceConfig + `
data "jurichat_webhook" "test" {
  id = jurichat_webhook.test.id
}

data "jurichat_webhooks" "all" {
  depends_on = [jurichat_webhook.test]
}

data "jurichat_webhook_events" "all" {}
`
	var id string
	same := func(attr string) statecheck.StateCheck {
		return statecheck.CompareValuePairs(resName, tfjsonpath.New(attr), dsWebhook, tfjsonpath.New(attr), compare.ValuesSame())
	}
	stateChecks := []statecheck.StateCheck{
		same("id"), same("office_id"), same("name"), same("url"), same("events"), same("description"),
		same("is_active"), same("headers"), same("secret"), same("created_at"), same("updated_at"),
		statecheck.ExpectSensitiveValue(dsWebhook, tfjsonpath.New("secret")),
		statecheck.ExpectSensitiveValue(dsWebhook, tfjsonpath.New("headers")),
		statecheck.ExpectKnownValue(dsWebhook, tfjsonpath.New("name"), knownvalue.StringExact(name)),
	}
	checks := []resource.TestCheckFunc{
		checkWebhookListed(target, name),
		resource.TestCheckResourceAttrWith(dsEvents, "names.#", func(v string) error {
			if n, _ := strconv.Atoi(v); n == 0 {
				return errors.New("the event catalogue is empty")
			}
			return nil
		}),
	}
	var preConfig func()
	if !target.Real() {
		var events, names []knownvalue.Check
		for _, e := range emulator.JurichatEvents() {
			events = append(events, knownvalue.ObjectExact(map[string]knownvalue.Check{
				"name": knownvalue.StringExact(e.Name), "description": knownvalue.StringExact(e.Description),
			}))
			names = append(names, knownvalue.StringExact(e.Name))
		}
		stateChecks = append(stateChecks,
			statecheck.ExpectKnownValue(dsEvents, tfjsonpath.New("events"), knownvalue.ListExact(events)),
			statecheck.ExpectKnownValue(dsEvents, tfjsonpath.New("names"), knownvalue.ListExact(names)),
		)
		preConfig = func() {
			if err := deliver(target, id, "webhook.test"); err != nil {
				t.Fatalf("delivering a test event: %v", err)
			}
		}
		checks = append(checks, checkDelivery(recv))
	}

	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoWebhook(target, &id),
		Steps: []resource.TestStep{
			{Config: resourceConfig, Check: recordID(&id)},
			{
				PreConfig:         preConfig,
				Config:            config,
				ConfigStateChecks: stateChecks,
				Check:             resource.ComposeAggregateTestCheckFunc(checks...),
			},
		},
	})
}

// checkWebhookListed finds the webhook in jurichat_webhooks and checks its
// summary, its stats (one successful delivery on the emulator) and that the
// list carries no secret and no headers.
func checkWebhookListed(target *acctest.JuriChat, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		hook, err := primary(s, resName)
		if err != nil {
			return err
		}
		list, err := primary(s, dsWebhooks)
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(list["webhooks.#"])
		for i := range n {
			prefix := fmt.Sprintf("webhooks.%d.", i)
			if list[prefix+"id"] != hook["id"] {
				continue
			}
			for _, attr := range []string{"office_id", "name", "url", "description", "is_active", "created_at", "events.#"} {
				if list[prefix+attr] != hook[attr] {
					return fmt.Errorf("%s%s is %q, the resource has %q", prefix, attr, list[prefix+attr], hook[attr])
				}
			}
			if list[prefix+"name"] != name {
				return fmt.Errorf("%sname is %q, want %q", prefix, list[prefix+"name"], name)
			}
			for key := range list {
				if regexp.MustCompile(`^webhooks\.\d+\.(secret|headers)`).MatchString(key) {
					return fmt.Errorf("jurichat_webhooks holds %s: the list must carry no secret and no headers", key)
				}
			}
			if _, ok := list[prefix+"stats.total_deliveries"]; !ok {
				return fmt.Errorf("%sstats is missing", prefix)
			}
			if target.Real() {
				return nil
			}
			want := map[string]string{"total_deliveries": "1", "success_count": "1", "failed_count": "0", "success_rate": "100"}
			for attr, w := range want {
				if got := list[prefix+"stats."+attr]; got != w {
					return fmt.Errorf("%sstats.%s is %q, want %q", prefix, attr, got, w)
				}
			}
			return nil
		}
		return fmt.Errorf("jurichat_webhooks does not list webhook %s (%d webhooks listed)", hook["id"], n)
	}
}

// checkDelivery checks the delivery the receiver got: the custom header
// configured in Terraform and a signature made with the secret in state.
func checkDelivery(recv *receiver) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := primary(s, resName)
		if err != nil {
			return err
		}
		recv.mu.Lock()
		defer recv.mu.Unlock()
		if len(recv.deliveries) != 1 {
			return fmt.Errorf("the receiver got %d deliveries, want 1", len(recv.deliveries))
		}
		req, body := recv.deliveries[0], recv.bodies[0]
		if got := req.Header.Get("X-Receiver-Token"); got != attrs["headers.X-Receiver-Token"] || got == "" {
			return fmt.Errorf("the delivery carried X-Receiver-Token of %d characters, want the configured %d", len(got), len(attrs["headers.X-Receiver-Token"]))
		}
		if req.Header.Get("X-JuriChat-Delivery") == "" {
			return errors.New("the delivery carried no X-JuriChat-Delivery id")
		}
		if !signature.Verify(attrs["secret"], body, req.Header.Get("X-JuriChat-Signature")) {
			return errors.New("the delivery's X-JuriChat-Signature does not verify with the secret in state")
		}
		return nil
	}
}

func TestAccWebhookDataSource_notFound(t *testing.T) {
	target := acctest.NewJuriChat(t)
	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: target.ProviderConfig + `
data "jurichat_webhook" "test" {
  id = "00000000-0000-4000-8000-000000000000"
}
`,
			ExpectError: acctest.ErrorPattern(`Error Reading JuriChat Webhook.*HTTP 404.*No webhook 00000000-0000-4000-8000-000000000000 exists`),
		}},
	})
}

// The data sources report what the server holds about a webhook Terraform
// does not manage.
func TestAccWebhookDataSource_unmanaged(t *testing.T) {
	target := acctest.NewJuriChat(t)
	hook := createOutOfBand(t, target)
	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: target.ProviderConfig + fmt.Sprintf(`
data "jurichat_webhook" "test" {
  id = %q
}
`, hook.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsWebhook, tfjsonpath.New("name"), knownvalue.StringExact(hook.Name)),
				statecheck.ExpectKnownValue(dsWebhook, tfjsonpath.New("url"), knownvalue.StringExact(hook.URL)),
				statecheck.ExpectKnownValue(dsWebhook, tfjsonpath.New("description"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dsWebhook, tfjsonpath.New("headers"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dsWebhook, tfjsonpath.New("is_active"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(dsWebhook, tfjsonpath.New("events"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("contact.created"),
				})),
			},
			Check: acctest.CheckAttrEquals(dsWebhook, "secret", func() (string, error) {
				h, err := target.Client.GetWebhook(context.Background(), hook.ID)
				if err != nil {
					return "", err
				}
				return h.Secret, nil
			}),
		}},
	})
}
