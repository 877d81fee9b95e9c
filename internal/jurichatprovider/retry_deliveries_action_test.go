package jurichatprovider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

const patternRetry = "POST /jurichat/webhooks/deliveries/{deliveryId}/retry"

// newJurichatWorkspace is a CLI workspace with the jurichat provider served
// by the test and configured for the emulator.
func newJurichatWorkspace(t *testing.T, target *acctest.JuriChat, config string) *acctest.Workspace {
	t.Helper()
	ws := acctest.NewWorkspace(t, map[string]func() tfprotov6.ProviderServer{"jurichat": providerserver.NewProtocol6(New("test")())})
	ws.Write("main.tf", target.ProviderConfig+config)
	ws.MustRun("init", "-no-color", "-input=false")
	return ws
}

// failedDeliveries returns the deliveries of a webhook by status, from the
// emulator's own store.
func deliveriesByStatus(target *acctest.JuriChat, webhookID string) map[string][]emulator.JurichatDelivery {
	out := map[string][]emulator.JurichatDelivery{}
	for _, d := range target.Emulator.JurichatDeliveries(webhookID) {
		out[d.Status] = append(out[d.Status], d)
	}
	return out
}

// TestAccRetryDeliveriesAction_invoke: terraform apply -invoke against a
// receiver that fails and then recovers. While it fails, the retried
// deliveries fail again (a warning); once it answers 200, a retry filtered by
// event sends only that event's deliveries, the next sends the rest, and the
// receiver got every retry signed with the webhook's current secret.
func TestAccRetryDeliveriesAction_invoke(t *testing.T) {
	acctest.SkipUnless(t, acctest.FeatureActions)
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "needs failed deliveries the emulator makes on demand")
	rc := newTestReceiver(t, http.StatusOK)
	hook := createWebhook(t, target, acctest.RandomName("retry-"), rc.URL+"/hook", "contact.created", "crm.lead.created")
	deliverN(t, target, hook.ID, "contact.created", 1)
	rc.setStatus(http.StatusServiceUnavailable)
	deliverN(t, target, hook.ID, "contact.created", 3)
	deliverN(t, target, hook.ID, "crm.lead.created", 1)
	failed := deliveriesByStatus(target, hook.ID)[emulator.DeliveryFailed]
	if len(failed) != 4 {
		t.Fatalf("%d failed deliveries before the test, want 4", len(failed))
	}

	ws := newJurichatWorkspace(t, target, fmt.Sprintf(`
action "jurichat_retry_deliveries" "all" {
  config {
    webhook_id   = %[1]q
    max_age      = "1h"
    wait_timeout = "30s"
  }
}

action "jurichat_retry_deliveries" "leads" {
  config {
    webhook_id = %[1]q
    event      = "crm.lead.created"
  }
}
`, hook.ID))
	invoke := func(name string) string {
		t.Helper()
		target.Emulator.ResetRequests()
		return ws.MustRun("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.jurichat_retry_deliveries."+name)
	}

	// The receiver still fails: every delivery is retried, fails again, and the action warns.
	out := invoke("all")
	for _, want := range []string{"has 4 FAILED deliveries of the last 1h; retrying them", "queued for retry",
		"is FAILED again: HTTP 503", "0 delivered, 4 failed again", "JuriChat Deliveries Failed Again"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := target.Emulator.RequestCounts()[patternRetry]; n != 4 {
		t.Errorf("the server received %d retries, want 4", n)
	}
	for _, d := range target.Emulator.JurichatDeliveries(hook.ID)[:4] {
		if d.Status != emulator.DeliveryFailed || d.AttemptCount != 2 {
			t.Errorf("delivery %s (%s): %s after %d attempts, want FAILED after 2", d.ID, d.Event, d.Status, d.AttemptCount)
		}
	}

	// The receiver recovers. Only the lead delivery first.
	rc.setStatus(http.StatusOK)
	out = invoke("leads")
	if !strings.Contains(out, "has 1 FAILED crm.lead.created deliveries") || !strings.Contains(out, "1 delivered, 0 failed again") {
		t.Errorf("output of the event-filtered retry:\n%s", out)
	}
	byStatus := deliveriesByStatus(target, hook.ID)
	if len(byStatus[emulator.DeliverySuccess]) != 2 || len(byStatus[emulator.DeliveryFailed]) != 3 {
		t.Errorf("after retrying the leads: %d SUCCESS, %d FAILED; want 2 and 3", len(byStatus[emulator.DeliverySuccess]), len(byStatus[emulator.DeliveryFailed]))
	}

	// Then the rest; and then nothing is left.
	out = invoke("all")
	if !strings.Contains(out, "3 delivered, 0 failed again, 0 still pending; 0 could not be retried") {
		t.Errorf("output of the second retry:\n%s", out)
	}
	out = invoke("all")
	if !strings.Contains(out, "nothing to retry") || target.Emulator.RequestCounts()[patternRetry] != 0 {
		t.Errorf("output with nothing to retry:\n%s", out)
	}

	h, _ := target.Emulator.JurichatWebhook(hook.ID)
	for _, d := range failed {
		got, _ := target.Client.GetDelivery(context.Background(), hook.ID, d.ID)
		if got == nil || got.Status != emulator.DeliverySuccess || got.StatusCode == nil || *got.StatusCode != 200 {
			t.Errorf("delivery %s did not end SUCCESS with HTTP 200: %+v", d.ID, got)
		}
		// The first attempt, a retry that failed, a retry that succeeded: all signed with the secret.
		if n := rc.signedWith(d.ID, h.Secret); n != 3 {
			t.Errorf("the receiver got %d correctly signed attempts of delivery %s, want 3", n, d.ID)
		}
	}
}

// TestAccRetryDeliveriesAction_trigger: the action from an action_trigger
// that follows the webhook's url: fixing the url retries what failed while
// it was wrong.
func TestAccRetryDeliveriesAction_trigger(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "needs failed deliveries the emulator makes on demand")
	broken := newTestReceiver(t, http.StatusInternalServerError)
	fixed := newTestReceiver(t, http.StatusOK)
	name := acctest.RandomName("trigger-")
	config := func(hookURL string) string {
		return target.ProviderConfig + fmt.Sprintf(`
resource "jurichat_webhook" "test" {
  name   = %q
  url    = %q
  events = ["contact.created"]
}

# The trigger cannot sit on the webhook itself (the action refers to it):
# this follows its url, so it is updated right after the url is.
resource "terraform_data" "webhook_url" {
  input = jurichat_webhook.test.url

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.jurichat_retry_deliveries.after_fix]
    }
  }
}

action "jurichat_retry_deliveries" "after_fix" {
  config {
    webhook_id = jurichat_webhook.test.id
  }
}
`, name, hookURL)
	}
	var id string
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureActions),
		Steps: []resource.TestStep{
			{Config: config(broken.URL + "/hook"), Check: recordID(&id)},
			{
				PreConfig: func() {
					deliverN(t, target, id, "contact.created", 2)
					target.Emulator.ResetRequests()
				},
				Config: config(fixed.URL + "/hook"),
				Check: func(*terraform.State) error {
					if n := target.Emulator.RequestCounts()[patternRetry]; n != 2 {
						return fmt.Errorf("the server received %d retries, want 2", n)
					}
					for _, d := range target.Emulator.JurichatDeliveries(id) {
						if d.Status != emulator.DeliverySuccess || d.AttemptCount != 2 {
							return fmt.Errorf("delivery %s is %s after %d attempts, want SUCCESS after 2", d.ID, d.Status, d.AttemptCount)
						}
					}
					if len(broken.deliveries()) != 2 || len(fixed.deliveries()) != 2 {
						return fmt.Errorf("the broken receiver got %d requests, the fixed one %d; want 2 and 2",
							len(broken.deliveries()), len(fixed.deliveries()))
					}
					return nil
				},
			},
		},
	})
}

// TestAccRetryDeliveriesAction_badInput: invalid durations are refused at
// plan time naming the attribute; an unknown webhook fails the invocation
// naming webhook_id.
func TestAccRetryDeliveriesAction_badInput(t *testing.T) {
	target := acctest.NewJuriChat(t)
	actionConfig := func(body string) string {
		return target.ProviderConfig + `
action "jurichat_retry_deliveries" "test" {
  config {
` + body + `
  }
}

resource "terraform_data" "trigger" {
  input = 1
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.jurichat_retry_deliveries.test]
    }
  }
}
`
	}
	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureActions),
		Steps: []resource.TestStep{
			{
				Config:      actionConfig(`webhook_id = "x"` + "\n" + `max_age = "yesterday"`),
				ExpectError: acctest.ErrorPattern(`Invalid Duration.*max_age is "yesterday", which is not a duration`),
			},
			{
				Config:      actionConfig(`webhook_id = "x"` + "\n" + `max_age = "100d"`),
				ExpectError: acctest.ErrorPattern(`Invalid Duration.*max_age`),
			},
			{
				Config:      actionConfig(`webhook_id = "x"` + "\n" + `max_age = "2200h"`),
				ExpectError: acctest.ErrorPattern(`max_age is "2200h", longer than 2160h: JuriChat keeps deliveries for 90 days`),
			},
			{
				Config:      actionConfig(`webhook_id = "x"` + "\n" + `wait_timeout = "-5s"`),
				ExpectError: acctest.ErrorPattern(`wait_timeout is "-5s"; it must be positive`),
			},
			{
				Config:      actionConfig(`webhook_id = "3f2a9c1e-0000-4000-8000-000000000000"`),
				ExpectError: acctest.ErrorPattern(`JuriChat Webhook Not Found.*HTTP 404.*Check webhook_id`),
			},
		},
	})
}

// TestRetryDeliveriesInvoke_partial: a delivery whose retry the server
// refuses does not stop the others; the action fails at the end naming it,
// with the server's message and status, and reports progress for each.
func TestRetryDeliveriesInvoke_partial(t *testing.T) {
	srv := acctest.StartEmulator(t)
	rc := newTestReceiver(t, http.StatusBadGateway)
	client := emulatorClient(t, srv.JurichatURL())
	hook, err := client.CreateWebhook(context.Background(), jurichat.CreateWebhookRequest{Name: "n", URL: rc.URL, Events: []string{"webhook.test"}})
	if err != nil {
		t.Fatal(err)
	}
	target := &acctest.JuriChat{Emulator: srv, Client: client}
	deliverN(t, target, hook.ID, "webhook.test", 3)
	rc.setStatus(http.StatusOK)
	refused := srv.JurichatDeliveries(hook.ID)[1].ID

	// The emulator refuses the retry of one delivery, as JuriChat does once
	// a delivery has left its log.
	srv.MustScript(emulator.RouteJurichatRetry, emulator.Custom("refuse-one-retry", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.PathValue("deliveryId") != refused {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprintf(w, `{"statusCode":404,"error":"Not Found","message":"Delivery %s not found"}`, refused)
	}), emulator.Forever)

	a := &retryDeliveriesAction{data: &providerData{client: emulatorClient(t, srv.JurichatURL())}, pollInterval: 10 * time.Millisecond}
	var schemaResp action.SchemaResponse
	a.Schema(context.Background(), action.SchemaRequest{}, &schemaResp)
	ctx := context.Background()
	typ := schemaResp.Schema.Type().TerraformType(ctx)
	resp := &action.InvokeResponse{}
	var messages []string
	resp.SendProgress = func(e action.InvokeProgressEvent) { messages = append(messages, e.Message) }
	a.Invoke(ctx, action.InvokeRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, map[string]tftypes.Value{
		"webhook_id":   tftypes.NewValue(tftypes.String, hook.ID),
		"event":        tftypes.NewValue(tftypes.String, nil),
		"max_age":      tftypes.NewValue(tftypes.String, nil),
		"wait_timeout": tftypes.NewValue(tftypes.String, "10s"),
	})}}, resp)

	if !resp.Diagnostics.HasError() || resp.Diagnostics.ErrorsCount() != 1 {
		t.Fatalf("diagnostics = %v, want one error", resp.Diagnostics)
	}
	detail := resp.Diagnostics.Errors()[0].Detail()
	if !regexp.MustCompile(`1 of 3 failed deliveries .* could not be retried[\s\S]*` + refused + ` \(webhook.test\): HTTP 404 Not Found: Delivery ` + refused + ` not found`).MatchString(detail) {
		t.Errorf("error detail:\n%s", detail)
	}
	all := strings.Join(messages, "\n")
	if !strings.Contains(all, "2 delivered, 0 failed again, 0 still pending; 1 could not be retried") ||
		strings.Count(all, "queued for retry") != 2 || strings.Count(all, "delivered: HTTP 200, attempt 2") != 2 {
		t.Errorf("progress:\n%s", all)
	}
	for _, d := range srv.JurichatDeliveries(hook.ID) {
		want := emulator.DeliverySuccess
		if d.ID == refused {
			want = emulator.DeliveryFailed
		}
		if d.Status != want {
			t.Errorf("delivery %s is %s, want %s", d.ID, d.Status, want)
		}
	}
}

func emulatorClient(t *testing.T, baseURL string) *jurichat.Client {
	t.Helper()
	c, err := jurichat.NewClient(jurichat.Config{BaseURL: baseURL, Token: emulator.DefaultJurichatToken})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
