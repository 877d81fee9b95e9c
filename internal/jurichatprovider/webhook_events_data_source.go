package jurichatprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
)

var _ datasource.DataSourceWithConfigure = (*webhookEventsDataSource)(nil)

type webhookEventsDataSource struct {
	data *providerData
}

type webhookEventsDataSourceModel struct {
	Events []webhookEventModel `tfsdk:"events"`
	Names  []types.String      `tfsdk:"names"`
}

type webhookEventModel struct {
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
}

// NewWebhookEventsDataSource is the factory for the jurichat_webhook_events data source.
func NewWebhookEventsDataSource() datasource.DataSource { return &webhookEventsDataSource{} }

func (d *webhookEventsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_events"
}

func (d *webhookEventsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The JuriChat event catalogue (`GET /webhooks/events`): every event a webhook can " +
			"subscribe to. The catalogue grows over time; `jurichat_webhook` checks its `events` against it at plan time.",
		Attributes: map[string]schema.Attribute{
			"events": schema.ListNestedAttribute{
				MarkdownDescription: "The events, in the order JuriChat lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{
							MarkdownDescription: "Event name, as used in `jurichat_webhook.events` (for example `crm.lead.created`).",
							Computed:            true,
						},
						"description": schema.StringAttribute{
							MarkdownDescription: "What the event means; null when JuriChat gives no description.",
							Computed:            true,
						},
					},
				},
			},
			"names": schema.ListAttribute{
				MarkdownDescription: "The event names alone, in the same order: `events = data.jurichat_webhook_events.all.names` " +
					"subscribes a webhook to everything.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

func (d *webhookEventsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data := configuredData(req.ProviderData, "Data Source", resp.Diagnostics.AddError)
	if data == nil {
		return
	}
	d.data = data
}

func (d *webhookEventsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	events, err := d.data.events.Events(ctx)
	if err != nil {
		apiErrors.AddError(&resp.Diagnostics, providerutil.Failure{Summary: "Error Reading JuriChat Event Catalogue",
			Action: "Reading the webhook event catalogue (GET /webhooks/events)"}, err, "")
		return
	}

	state := webhookEventsDataSourceModel{
		Events: make([]webhookEventModel, 0, len(events)),
		Names:  make([]types.String, 0, len(events)),
	}
	for _, e := range events {
		state.Events = append(state.Events, webhookEventModel{Name: types.StringValue(e.Name), Description: stringOrNull(e.Description)})
		state.Names = append(state.Names, types.StringValue(e.Name))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
