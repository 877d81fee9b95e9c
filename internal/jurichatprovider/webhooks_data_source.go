package jurichatprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

var _ datasource.DataSourceWithConfigure = (*webhooksDataSource)(nil)

type webhooksDataSource struct {
	data *providerData
}

type webhooksDataSourceModel struct {
	Webhooks []webhookSummaryModel `tfsdk:"webhooks"`
}

type webhookSummaryModel struct {
	ID          types.String `tfsdk:"id"`
	OfficeID    types.String `tfsdk:"office_id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	URL         types.String `tfsdk:"url"`
	Events      types.Set    `tfsdk:"events"`
	IsActive    types.Bool   `tfsdk:"is_active"`
	CreatedAt   types.String `tfsdk:"created_at"`
	UpdatedAt   types.String `tfsdk:"updated_at"`
	Stats       types.Object `tfsdk:"stats"`
}

// statsAttrTypes is the type of the stats object.
var statsAttrTypes = map[string]attr.Type{
	"total_deliveries": types.Int64Type,
	"success_count":    types.Int64Type,
	"failed_count":     types.Int64Type,
	"success_rate":     types.Float64Type,
}

// NewWebhooksDataSource is the factory for the jurichat_webhooks data source.
func NewWebhooksDataSource() datasource.DataSource { return &webhooksDataSource{} }

func (d *webhooksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhooks"
}

func (d *webhooksDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every webhook of the JuriChat office with its delivery statistics. JuriChat's list " +
			"carries neither secrets nor custom headers; read one webhook with the `jurichat_webhook` data source for those.",
		Attributes: map[string]schema.Attribute{
			"webhooks": schema.ListNestedAttribute{
				MarkdownDescription: "The office's webhooks, in the order JuriChat lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":          schema.StringAttribute{MarkdownDescription: "Identifier of the webhook.", Computed: true},
						"office_id":   schema.StringAttribute{MarkdownDescription: "JuriChat office the webhook belongs to.", Computed: true},
						"name":        schema.StringAttribute{MarkdownDescription: "Name of the webhook.", Computed: true},
						"description": schema.StringAttribute{MarkdownDescription: "Description; null when it has none.", Computed: true},
						"url":         schema.StringAttribute{MarkdownDescription: "URL JuriChat delivers events to.", Computed: true},
						"events": schema.SetAttribute{
							MarkdownDescription: "Events the webhook is subscribed to.",
							ElementType:         types.StringType,
							Computed:            true,
						},
						"is_active":  schema.BoolAttribute{MarkdownDescription: "Whether JuriChat delivers events.", Computed: true},
						"created_at": schema.StringAttribute{MarkdownDescription: "When the webhook was created (ISO 8601).", Computed: true},
						"updated_at": schema.StringAttribute{MarkdownDescription: "When the webhook was last changed (ISO 8601).", Computed: true},
						"stats": schema.SingleNestedAttribute{
							MarkdownDescription: "Delivery statistics over the delivery log JuriChat keeps (90 days); null when " +
								"JuriChat reports none.",
							Computed: true,
							Attributes: map[string]schema.Attribute{
								"total_deliveries": schema.Int64Attribute{MarkdownDescription: "Number of deliveries.", Computed: true},
								"success_count":    schema.Int64Attribute{MarkdownDescription: "Deliveries the receiver accepted (HTTP 2xx).", Computed: true},
								"failed_count":     schema.Int64Attribute{MarkdownDescription: "Deliveries that failed for good.", Computed: true},
								"success_rate": schema.Float64Attribute{
									MarkdownDescription: "Share of successful deliveries, in percent (0–100), as JuriChat reports it.",
									Computed:            true,
								},
							},
						},
					},
				},
			},
		},
	}
}

func (d *webhooksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data := configuredData(req.ProviderData, "Data Source", resp.Diagnostics.AddError)
	if data == nil {
		return
	}
	d.data = data
}

func (d *webhooksDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	hooks, err := d.data.client.ListWebhooks(ctx)
	if err != nil {
		apiErrors.AddError(&resp.Diagnostics, listFailure, err, "")
		return
	}

	state := webhooksDataSourceModel{Webhooks: make([]webhookSummaryModel, 0, len(hooks))}
	for i := range hooks {
		summary, diags := webhookSummaryFrom(ctx, &hooks[i])
		resp.Diagnostics.Append(diags...)
		state.Webhooks = append(state.Webhooks, summary)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// webhookSummaryFrom maps one webhook of the list answer: the attributes
// it shares with the resource as webhookModelFrom maps them, and the stats.
func webhookSummaryFrom(ctx context.Context, in *jurichat.Webhook) (webhookSummaryModel, diag.Diagnostics) {
	m, diags := webhookModelFrom(ctx, in)
	stats := types.ObjectNull(statsAttrTypes)
	if in.Stats != nil {
		var d diag.Diagnostics
		stats, d = types.ObjectValue(statsAttrTypes, map[string]attr.Value{
			"total_deliveries": types.Int64Value(in.Stats.TotalDeliveries),
			"success_count":    types.Int64Value(in.Stats.SuccessCount),
			"failed_count":     types.Int64Value(in.Stats.FailedCount),
			"success_rate":     types.Float64Value(in.Stats.SuccessRate),
		})
		diags.Append(d...)
	}
	return webhookSummaryModel{
		ID:          m.ID,
		OfficeID:    m.OfficeID,
		Name:        m.Name,
		Description: m.Description,
		URL:         m.URL,
		Events:      m.Events,
		IsActive:    m.IsActive,
		CreatedAt:   m.CreatedAt,
		UpdatedAt:   m.UpdatedAt,
		Stats:       stats,
	}, diags
}
