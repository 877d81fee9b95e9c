package jurichatprovider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
)

var _ datasource.DataSourceWithConfigure = (*webhookDeliveriesDataSource)(nil)

// defaultMaxDeliveries is how many deliveries the data source reads when
// max_results is not set: one full page.
const defaultMaxDeliveries = 100

type webhookDeliveriesDataSource struct {
	data *providerData
}

type webhookDeliveriesDataSourceModel struct {
	WebhookID  types.String    `tfsdk:"webhook_id"`
	Status     types.String    `tfsdk:"status"`
	Event      types.String    `tfsdk:"event"`
	MaxResults types.Int64     `tfsdk:"max_results"`
	Total      types.Int64     `tfsdk:"total"`
	Deliveries []deliveryModel `tfsdk:"deliveries"`
}

type deliveryModel struct {
	ID           types.String `tfsdk:"id"`
	Event        types.String `tfsdk:"event"`
	Status       types.String `tfsdk:"status"`
	StatusCode   types.Int64  `tfsdk:"status_code"`
	ResponseBody types.String `tfsdk:"response_body"`
	ErrorMessage types.String `tfsdk:"error_message"`
	DurationMs   types.Int64  `tfsdk:"duration_ms"`
	AttemptCount types.Int64  `tfsdk:"attempt_count"`
	NextRetryAt  types.String `tfsdk:"next_retry_at"`
	Payload      types.String `tfsdk:"payload"`
	CreatedAt    types.String `tfsdk:"created_at"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

// NewWebhookDeliveriesDataSource is the factory for the
// jurichat_webhook_deliveries data source.
func NewWebhookDeliveriesDataSource() datasource.DataSource { return &webhookDeliveriesDataSource{} }

func (d *webhookDeliveriesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_deliveries"
}

func (d *webhookDeliveriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a webhook's delivery log (`GET /webhooks/{id}/deliveries`), newest first: every " +
			"attempt JuriChat made to deliver an event, with the receiver's answer. JuriChat keeps deliveries for 90 " +
			"days. The log is read a page of 100 at a time, filtered by `status` and `event` on the server, up to " +
			"`max_results` deliveries. Failed deliveries can be sent again with the `jurichat_retry_deliveries` action.",
		Attributes: map[string]schema.Attribute{
			"webhook_id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the webhook whose deliveries to read.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only deliveries with this status: `PENDING` (an attempt is due), `SUCCESS` (the " +
					"receiver answered 2xx), `FAILED` (every attempt was used up) or `RETRYING` (another attempt is scheduled).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(deliveryStatuses...)},
			},
			"event": schema.StringAttribute{
				MarkdownDescription: "Only deliveries of this event, for example `crm.lead.created`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"max_results": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Most deliveries to read, 1 to 10000; default %d. The newest "+
					"come first; beyond 100 the provider reads further pages.", defaultMaxDeliveries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 10000)},
			},
			"total": schema.Int64Attribute{
				MarkdownDescription: "Number of deliveries matching the filters, as JuriChat counts them (it may " +
					"exceed the length of `deliveries`, which `max_results` bounds).",
				Computed: true,
			},
			"deliveries": schema.ListNestedAttribute{
				MarkdownDescription: "The deliveries, newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":    schema.StringAttribute{MarkdownDescription: "Identifier of the delivery (sent as `X-JuriChat-Delivery`).", Computed: true},
					"event": schema.StringAttribute{MarkdownDescription: "Event delivered.", Computed: true},
					"status": schema.StringAttribute{
						MarkdownDescription: "`PENDING`, `SUCCESS`, `FAILED` or `RETRYING`. Null when JuriChat's list leaves " +
							"it out (a newer version of the API does) and `status` was not used to filter.",
						Computed: true,
					},
					"status_code":   schema.Int64Attribute{MarkdownDescription: "HTTP status the receiver answered; null if it never answered.", Computed: true},
					"response_body": schema.StringAttribute{MarkdownDescription: "First 10,000 characters of the receiver's answer; null if none.", Computed: true},
					"error_message": schema.StringAttribute{MarkdownDescription: "Why the last attempt failed; null when it did not.", Computed: true},
					"duration_ms":   schema.Int64Attribute{MarkdownDescription: "Duration of the last attempt in milliseconds; null if not yet attempted.", Computed: true},
					"attempt_count": schema.Int64Attribute{MarkdownDescription: "Attempts made so far.", Computed: true},
					"next_retry_at": schema.StringAttribute{MarkdownDescription: "When the next attempt is due (ISO 8601); null when none is scheduled.", Computed: true},
					"payload":       schema.StringAttribute{MarkdownDescription: "The delivered body, as JSON text (`jsondecode` reads it).", Computed: true},
					"created_at":    schema.StringAttribute{MarkdownDescription: "When the delivery was created (ISO 8601).", Computed: true},
					"expires_at":    schema.StringAttribute{MarkdownDescription: "When JuriChat drops it from the log (ISO 8601).", Computed: true},
				}},
			},
		},
	}
}

func (d *webhookDeliveriesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data := configuredData(req.ProviderData, "Data Source", resp.Diagnostics.AddError)
	if data == nil {
		return
	}
	d.data = data
}

func (d *webhookDeliveriesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg webhookDeliveriesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	walk := deliveryWalk{
		WebhookID: cfg.WebhookID.ValueString(),
		Status:    cfg.Status.ValueString(),
		Event:     cfg.Event.ValueString(),
		Max:       defaultMaxDeliveries,
	}
	if !cfg.MaxResults.IsNull() {
		walk.Max = int(cfg.MaxResults.ValueInt64())
	}
	res, err := walk.run(ctx, d.data.client)
	if err != nil {
		addDeliveryLogError(&resp.Diagnostics, walk.WebhookID, err)
		return
	}
	tflog.Debug(ctx, "Read JuriChat delivery log", map[string]any{"webhook_id": walk.WebhookID, "deliveries": len(res.Deliveries), "pages": res.Pages})

	state := cfg
	state.Total = types.Int64Value(int64(res.Total))
	state.Deliveries = make([]deliveryModel, 0, len(res.Deliveries))
	for i := range res.Deliveries {
		state.Deliveries = append(state.Deliveries, deliveryModelFrom(&res.Deliveries[i]))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// addDeliveryLogError reports a failed read of a webhook's delivery log; an
// unknown webhook is an error on webhook_id.
func addDeliveryLogError(diags *diag.Diagnostics, webhookID string, err error) {
	failure := providerutil.Failure{Summary: "Error Reading JuriChat Delivery Log",
		Action: fmt.Sprintf("Reading the delivery log of webhook %s", webhookID)}
	if errors.Is(err, jurichat.ErrNotFound) {
		diags.AddAttributeError(path.Root("webhook_id"), "JuriChat Webhook Not Found", apiErrors.Detail(failure, err,
			fmt.Sprintf("No webhook %s exists in the office. Check webhook_id; the jurichat_webhooks data source lists the office's webhooks.", webhookID)))
		return
	}
	apiErrors.AddError(diags, failure, err, "")
}

func deliveryModelFrom(in *jurichat.Delivery) deliveryModel {
	m := deliveryModel{
		ID:           types.StringValue(in.ID),
		Event:        stringOrNull(in.Event),
		Status:       stringOrNull(in.Status),
		StatusCode:   types.Int64Null(),
		ResponseBody: types.StringPointerValue(in.ResponseBody),
		ErrorMessage: types.StringPointerValue(in.ErrorMessage),
		DurationMs:   types.Int64PointerValue(in.DurationMs),
		AttemptCount: types.Int64Value(int64(in.AttemptCount)),
		NextRetryAt:  types.StringPointerValue(in.NextRetryAt),
		Payload:      types.StringNull(),
		CreatedAt:    stringOrNull(in.CreatedAt),
		ExpiresAt:    stringOrNull(in.ExpiresAt),
	}
	if in.StatusCode != nil {
		m.StatusCode = types.Int64Value(int64(*in.StatusCode))
	}
	if p := strings.TrimSpace(string(in.Payload)); p != "" && p != "null" && json.Valid(in.Payload) {
		m.Payload = types.StringValue(string(in.Payload))
	}
	return m
}
