package jurichatprovider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

var _ action.ActionWithConfigure = (*retryDeliveriesAction)(nil)

// Bounds of the action's durations.
const (
	defaultRetryWait = time.Minute
	maxRetryWait     = 30 * time.Minute
	// retryPollInterval is how often the outcome of the retried deliveries is read.
	retryPollInterval = 500 * time.Millisecond
)

type retryDeliveriesAction struct {
	data *providerData
	// pollInterval is retryPollInterval; tests shorten it.
	pollInterval time.Duration
}

type retryDeliveriesModel struct {
	WebhookID   types.String `tfsdk:"webhook_id"`
	Event       types.String `tfsdk:"event"`
	MaxAge      types.String `tfsdk:"max_age"`
	WaitTimeout types.String `tfsdk:"wait_timeout"`
}

// NewRetryDeliveriesAction is the factory for the jurichat_retry_deliveries action.
func NewRetryDeliveriesAction() action.Action {
	return &retryDeliveriesAction{pollInterval: retryPollInterval}
}

func (a *retryDeliveriesAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_retry_deliveries"
}

func (a *retryDeliveriesAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Retries every `FAILED` delivery of a webhook (Terraform 1.14 and later): each one is sent " +
			"again through JuriChat's retry endpoint (`POST /webhooks/deliveries/{id}/retry`), which delivers it anew, " +
			"signed with the webhook's current secret, to its current URL. The action reports each delivery as it goes, " +
			"waits up to `wait_timeout` for the receiver's answers, and ends with a summary. A delivery that cannot be " +
			"retried does not stop the others; the action then fails at the end, naming it. Deliveries the receiver " +
			"rejects again are reported as a warning (they are `FAILED` again and can be retried later).\n\n" +
			"Invoke it with `terraform apply -invoke=action.jurichat_retry_deliveries.<name>`, or from an " +
			"`action_trigger`, for example after the webhook's `url` was fixed (the trigger goes on a resource that " +
			"follows the url, such as `terraform_data`: one on the webhook itself would form a cycle with the action, " +
			"which refers to the webhook). It changes no Terraform state.",
		Attributes: map[string]schema.Attribute{
			"webhook_id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the webhook whose failed deliveries to retry.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"event": schema.StringAttribute{
				MarkdownDescription: "Only retry deliveries of this event, for example `crm.lead.created`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"max_age": schema.StringAttribute{
				MarkdownDescription: "Only retry deliveries created within this duration before the action runs, such " +
					"as `24h` or `90m` (at most `2160h`, the 90 days JuriChat keeps deliveries). Default: every failed " +
					"delivery in the log.",
				Optional:   true,
				Validators: []validator.String{durationValidator{max: deliveryRetention, why: "JuriChat keeps deliveries for 90 days, so nothing older can be found"}},
			},
			"wait_timeout": schema.StringAttribute{
				MarkdownDescription: "How long to wait for the receiver's answers to the retried deliveries, such as " +
					"`30s` or `5m` (at most `30m`); default `1m`. Deliveries still `PENDING` then are reported as such.",
				Optional:   true,
				Validators: []validator.String{durationValidator{max: maxRetryWait, why: "an action should not hold the apply that long; read the outcome later with the jurichat_webhook_deliveries data source"}},
			},
		},
	}
}

func (a *retryDeliveriesAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	data := configuredData(req.ProviderData, "Action", resp.Diagnostics.AddError)
	if data == nil {
		return
	}
	a.data = data
}

// retryOutcome is what became of one failed delivery.
type retryOutcome struct {
	delivery jurichat.Delivery
	err      error              // the retry request failed
	final    *jurichat.Delivery // the delivery after its new attempt; nil while unknown
}

func (a *retryDeliveriesAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg retryDeliveriesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	progress := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		tflog.Info(ctx, msg)
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	webhookID := cfg.WebhookID.ValueString()
	wait := defaultRetryWait
	if !cfg.WaitTimeout.IsNull() {
		wait, _ = time.ParseDuration(cfg.WaitTimeout.ValueString()) // validated
	}
	walk := deliveryWalk{WebhookID: webhookID, Status: deliveryFailed, Event: cfg.Event.ValueString()}
	scope := "FAILED deliveries"
	if walk.Event != "" {
		scope = fmt.Sprintf("FAILED %s deliveries", walk.Event)
	}
	if !cfg.MaxAge.IsNull() {
		maxAge, _ := time.ParseDuration(cfg.MaxAge.ValueString()) // validated
		walk.Since = time.Now().Add(-maxAge)
		scope += " of the last " + cfg.MaxAge.ValueString()
	}

	found, err := walk.run(ctx, a.data.client)
	if err != nil {
		addDeliveryLogError(&resp.Diagnostics, webhookID, err)
		return
	}
	if len(found.Deliveries) == 0 {
		progress("Webhook %s has no %s: nothing to retry.", webhookID, scope)
		return
	}
	progress("Webhook %s has %d %s; retrying them.", webhookID, len(found.Deliveries), scope)

	outcomes := make([]*retryOutcome, len(found.Deliveries))
	for i, d := range found.Deliveries {
		o := &retryOutcome{delivery: d}
		outcomes[i] = o
		if _, o.err = a.data.client.RetryDelivery(ctx, d.ID); o.err != nil {
			progress("[%d/%d] Delivery %s (%s) could not be retried: %s", i+1, len(outcomes), d.ID, d.Event, shortError(o.err))
			continue
		}
		progress("[%d/%d] Delivery %s (%s, created %s) queued for retry.", i+1, len(outcomes), d.ID, d.Event, d.CreatedAt)
	}

	a.awaitOutcomes(ctx, webhookID, outcomes, wait, progress)
	summarise(webhookID, outcomes, wait, progress, resp)
}

// awaitOutcomes reads the retried deliveries until none is PENDING or wait
// has passed, reporting each outcome once.
func (a *retryDeliveriesAction) awaitOutcomes(ctx context.Context, webhookID string, outcomes []*retryOutcome, wait time.Duration, progress func(string, ...any)) {
	deadline := time.Now().Add(wait)
	for {
		pending := 0
		for _, o := range outcomes {
			if o.err != nil || o.final != nil {
				continue
			}
			d, err := a.data.client.GetDelivery(ctx, webhookID, o.delivery.ID)
			if err != nil || d.Status == "" || d.Status == deliveryPending {
				pending++
				continue
			}
			o.final = d
			switch d.Status {
			case deliverySuccess:
				progress("Delivery %s delivered: %s.", d.ID, attemptSummary(d))
			default:
				progress("Delivery %s is %s again: %s.", d.ID, d.Status, attemptSummary(d))
			}
		}
		if pending == 0 || !time.Now().Before(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(a.pollInterval):
		}
	}
}

// summarise reports the counts, fails the action naming the deliveries that
// could not be retried, and warns about those the receiver rejected again or
// that are still pending.
func summarise(webhookID string, outcomes []*retryOutcome, wait time.Duration, progress func(string, ...any), resp *action.InvokeResponse) {
	var delivered int
	var notRetried, failedAgain, pending []string
	for _, o := range outcomes {
		switch {
		case o.err != nil:
			notRetried = append(notRetried, fmt.Sprintf("  - %s (%s): %s", o.delivery.ID, o.delivery.Event, shortError(o.err)))
		case o.final == nil:
			pending = append(pending, fmt.Sprintf("  - %s (%s)", o.delivery.ID, o.delivery.Event))
		case o.final.Status == deliverySuccess:
			delivered++
		default:
			failedAgain = append(failedAgain, fmt.Sprintf("  - %s (%s): %s, %s", o.final.ID, o.final.Event, o.final.Status, attemptSummary(o.final)))
		}
	}
	progress("Retried %d of %d failed deliveries of webhook %s: %d delivered, %d failed again, %d still pending; %d could not be retried.",
		len(outcomes)-len(notRetried), len(outcomes), webhookID, delivered, len(failedAgain), len(pending), len(notRetried))

	if len(failedAgain) > 0 {
		resp.Diagnostics.AddWarning("JuriChat Deliveries Failed Again",
			fmt.Sprintf("The receiver of webhook %s did not accept %d retried deliveries:\n\n%s\n\nFix the receiver (or the "+
				"webhook's url) and invoke the action again; the jurichat_webhook_deliveries data source shows each "+
				"delivery's response_body and error_message.", webhookID, len(failedAgain), strings.Join(failedAgain, "\n")))
	}
	if len(pending) > 0 {
		resp.Diagnostics.AddWarning("JuriChat Deliveries Still Pending",
			fmt.Sprintf("%d retried deliveries of webhook %s had no outcome after %s:\n\n%s\n\nJuriChat is still delivering "+
				"them; read their outcome later with the jurichat_webhook_deliveries data source, or raise wait_timeout.",
				len(pending), webhookID, wait, strings.Join(pending, "\n")))
	}
	if len(notRetried) > 0 {
		resp.Diagnostics.AddError("JuriChat Deliveries Not Retried",
			fmt.Sprintf("%d of %d failed deliveries of webhook %s could not be retried (the others were):\n\n%s\n\n"+
				"JuriChat retries only FAILED or RETRYING deliveries that are still in its 90-day log; invoke the action "+
				"again to retry whatever is still FAILED.", len(notRetried), len(outcomes), webhookID, strings.Join(notRetried, "\n")))
	}
}

// attemptSummary describes the last attempt of a delivery: its HTTP status
// or error, and the attempt count. Response bodies are left out (they can be
// long); the data source shows them.
func attemptSummary(d *jurichat.Delivery) string {
	var parts []string
	if d.StatusCode != nil {
		parts = append(parts, fmt.Sprintf("HTTP %d", *d.StatusCode))
	}
	if d.ErrorMessage != nil && *d.ErrorMessage != "" && d.Status != deliverySuccess {
		parts = append(parts, *d.ErrorMessage)
	}
	parts = append(parts, fmt.Sprintf("attempt %d", d.AttemptCount))
	return strings.Join(parts, ", ")
}

// shortError is the HTTP status and the server's message for an API error,
// else the error text.
func shortError(err error) string {
	var apiErr *transport.APIError
	if errors.As(err, &apiErr) {
		if apiErr.Message == "" {
			return fmt.Sprintf("HTTP %d %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
		}
		return fmt.Sprintf("HTTP %d %s: %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode), apiErr.Message)
	}
	return err.Error()
}
