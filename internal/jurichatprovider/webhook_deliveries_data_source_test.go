package jurichatprovider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

const patternDeliveries = "GET /jurichat/webhooks/{webhookId}/deliveries"

// TestAccWebhookDeliveriesDataSource reads a log of 111 deliveries: all of
// them over two pages, each filter alone and together, the default bound of
// one page, and the nullable fields of a delivery that never reached its
// receiver.
func TestAccWebhookDeliveriesDataSource(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "needs deliveries the emulator makes on demand")
	rc := newTestReceiver(t, http.StatusOK)
	hook := createWebhook(t, target, acctest.RandomName("log-"), rc.URL+"/hook", "contact.created", "crm.lead.created")
	deliverN(t, target, hook.ID, "contact.created", 105)
	rc.setStatus(http.StatusInternalServerError)
	deliverN(t, target, hook.ID, "crm.lead.created", 3)
	deliverN(t, target, hook.ID, "contact.created", 2)
	// The newest: the receiver is gone, so nothing answered.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	target.Emulator.ModifyJurichatWebhook(hook.ID, func(h *emulator.JurichatWebhook) { h.URL = gone.URL + "/hook" })
	deliverN(t, target, hook.ID, "contact.created", 1)

	config := target.ProviderConfig + fmt.Sprintf(`
data "jurichat_webhook_deliveries" "all" {
  webhook_id  = %[1]q
  max_results = 500
}

data "jurichat_webhook_deliveries" "default" {
  webhook_id = %[1]q
}

data "jurichat_webhook_deliveries" "failed" {
  webhook_id = %[1]q
  status     = "FAILED"
}

data "jurichat_webhook_deliveries" "leads" {
  webhook_id = %[1]q
  event      = "crm.lead.created"
}

data "jurichat_webhook_deliveries" "contacts_ok" {
  webhook_id  = %[1]q
  status      = "SUCCESS"
  event       = "contact.created"
  max_results = 101
}
`, hook.ID)
	ds := func(name string) string { return "data.jurichat_webhook_deliveries." + name }
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: target.Emulator.ResetRequests,
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("total"), knownvalue.Int64Exact(111)),
				statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("deliveries"), knownvalue.ListSizeExact(111)),
				statecheck.ExpectKnownValue(ds("default"), tfjsonpath.New("total"), knownvalue.Int64Exact(111)),
				statecheck.ExpectKnownValue(ds("default"), tfjsonpath.New("deliveries"), knownvalue.ListSizeExact(100)),
				statecheck.ExpectKnownValue(ds("failed"), tfjsonpath.New("total"), knownvalue.Int64Exact(6)),
				statecheck.ExpectKnownValue(ds("failed"), tfjsonpath.New("deliveries"), knownvalue.ListSizeExact(6)),
				statecheck.ExpectKnownValue(ds("leads"), tfjsonpath.New("deliveries"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue(ds("contacts_ok"), tfjsonpath.New("total"), knownvalue.Int64Exact(105)),
				statecheck.ExpectKnownValue(ds("contacts_ok"), tfjsonpath.New("deliveries"), knownvalue.ListSizeExact(101)),
				// Newest first: the delivery nobody answered, with its nullable fields null.
				statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("deliveries").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"event":         knownvalue.StringExact("contact.created"),
					"status":        knownvalue.StringExact("FAILED"),
					"status_code":   knownvalue.Null(),
					"response_body": knownvalue.Null(),
					"error_message": knownvalue.StringRegexp(regexp.MustCompile(`receiver unreachable`)),
					"duration_ms":   knownvalue.NotNull(),
					"next_retry_at": knownvalue.Null(),
					"attempt_count": knownvalue.Int64Exact(1),
					"payload":       knownvalue.StringRegexp(regexp.MustCompile(`"event":"contact.created"`)),
				})),
				statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("deliveries").AtSliceIndex(110), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"status":        knownvalue.StringExact("SUCCESS"),
					"status_code":   knownvalue.Int64Exact(200),
					"response_body": knownvalue.StringExact("receiver answered 200"),
					"error_message": knownvalue.Null(),
				})),
				statecheck.ExpectKnownValue(ds("leads"), tfjsonpath.New("deliveries").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"event":       knownvalue.StringExact("crm.lead.created"),
					"status":      knownvalue.StringExact("FAILED"),
					"status_code": knownvalue.Int64Exact(500),
				})),
			},
			Check: checkDeliveryQueries(target, hook.ID),
		}},
	})
}

// checkDeliveryQueries checks what the server was asked: pages of 100, the
// filters sent as query parameters, and a second page only where one was
// needed.
func checkDeliveryQueries(target *acctest.JuriChat, webhookID string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		seen := map[string]bool{}
		for _, r := range target.Emulator.Requests() {
			if r.Key != patternDeliveries {
				continue
			}
			if r.Path != "/jurichat/webhooks/"+webhookID+"/deliveries" {
				return fmt.Errorf("delivery log read at %s", r.Path)
			}
			seen[r.Query] = true
		}
		for _, want := range []string{
			"limit=100&page=1", "limit=100&page=2",
			"limit=100&page=1&status=FAILED",
			"event=crm.lead.created&limit=100&page=1",
			"event=contact.created&limit=100&page=1&status=SUCCESS", "event=contact.created&limit=100&page=2&status=SUCCESS",
		} {
			if !seen[want] {
				return fmt.Errorf("the server was never asked for %q; it was asked for %v", want, sortedKeys(seen))
			}
		}
		for _, unwanted := range []string{"limit=100&page=2&status=FAILED", "limit=100&page=3"} {
			if seen[unwanted] {
				return fmt.Errorf("the server was asked for %q, a page nothing needed", unwanted)
			}
		}
		return nil
	}
}

// TestAccWebhookDeliveriesDataSource_badInput: an invalid status or bound and
// an unknown webhook are errors naming the attribute.
func TestAccWebhookDeliveriesDataSource_badInput(t *testing.T) {
	target := acctest.NewJuriChat(t)
	config := func(body string) string {
		return target.ProviderConfig + "data \"jurichat_webhook_deliveries\" \"test\" {\n" + body + "\n}\n"
	}
	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(`webhook_id = "x"` + "\n" + `status = "BROKEN"`),
				ExpectError: acctest.ErrorPattern(`Attribute status value must be one of`),
			},
			{
				Config:      config(`webhook_id = "x"` + "\n" + `max_results = 0`),
				ExpectError: acctest.ErrorPattern(`Attribute max_results value must be between 1 and 10000`),
			},
			{
				Config:      config(`webhook_id = "3f2a9c1e-0000-4000-8000-000000000000"`),
				ExpectError: acctest.ErrorPattern(`JuriChat Webhook Not Found.*HTTP 404.*Check webhook_id`),
			},
		},
	})
}

// TestDeliveryWalk covers what the emulator does not do: list items without
// status (the newer API leaves it out), a page that repeats deliveries
// already seen, and a log that keeps answering full pages.
func TestDeliveryWalk(t *testing.T) {
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		page := r.URL.Query().Get("page")
		var items []string
		switch page {
		case "1":
			items = []string{`{"id":"d1","event":"e","createdAt":"2026-01-02T00:00:00.000Z"}`, `{"id":"d2","event":"e","createdAt":"2026-01-01T12:00:00.000Z"}`}
		case "2":
			// d2 again: the log moved under the walk.
			items = []string{`{"id":"d2","event":"e","createdAt":"2026-01-01T12:00:00.000Z"}`, `{"id":"d3","event":"e","createdAt":"2025-12-01T00:00:00.000Z"}`}
		default:
			items = []string{`{"id":"d9","event":"e","createdAt":"2025-11-01T00:00:00.000Z"}`}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"data":[%s],"total":5,"page":%s,"limit":2,"totalPages":3}`, strings.Join(items, ","), page)
	}))
	defer srv.Close()
	client, err := jurichat.NewClient(jurichat.Config{BaseURL: srv.URL, Token: "t"})
	if err != nil {
		t.Fatal(err)
	}

	res, err := deliveryWalk{WebhookID: "w", Status: "FAILED"}.run(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Deliveries {
		got = append(got, d.ID+":"+d.Status)
	}
	if strings.Join(got, ",") != "d1:FAILED,d2:FAILED,d3:FAILED,d9:FAILED" || res.Total != 5 || res.Pages != 3 {
		t.Errorf("walk with status = %v, total %d, pages %d", got, res.Total, res.Pages)
	}

	res, err = deliveryWalk{WebhookID: "w"}.run(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	if res.Deliveries[0].Status != "" {
		t.Errorf("without a status filter an absent status stays empty, got %q", res.Deliveries[0].Status)
	}

	queries = nil
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err = deliveryWalk{WebhookID: "w", Since: since}.run(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Deliveries) != 2 || len(queries) != 2 {
		t.Errorf("walk since 2026-01-01: %d deliveries over %d requests, want 2 over 2 (it stops at the first older one)", len(res.Deliveries), len(queries))
	}

	res, err = deliveryWalk{WebhookID: "w", Max: 1}.run(context.Background(), client)
	if err != nil || len(res.Deliveries) != 1 || res.Pages != 1 {
		t.Errorf("walk with max 1: %d deliveries over %d pages, %v", len(res.Deliveries), res.Pages, err)
	}
}
