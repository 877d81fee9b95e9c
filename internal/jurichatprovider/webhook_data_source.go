package jurichatprovider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

var _ datasource.DataSourceWithConfigure = (*webhookDataSource)(nil)

type webhookDataSource struct {
	data *providerData
}

type webhookDataSourceModel struct {
	ID          types.String `tfsdk:"id"`
	OfficeID    types.String `tfsdk:"office_id"`
	Name        types.String `tfsdk:"name"`
	URL         types.String `tfsdk:"url"`
	Events      types.Set    `tfsdk:"events"`
	Description types.String `tfsdk:"description"`
	IsActive    types.Bool   `tfsdk:"is_active"`
	Headers     types.Map    `tfsdk:"headers"`
	Secret      types.String `tfsdk:"secret"`
	CreatedAt   types.String `tfsdk:"created_at"`
	UpdatedAt   types.String `tfsdk:"updated_at"`
}

// NewWebhookDataSource is the factory for the jurichat_webhook data source.
func NewWebhookDataSource() datasource.DataSource { return &webhookDataSource{} }

func (d *webhookDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook"
}

func (d *webhookDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one JuriChat webhook by id, for example one managed elsewhere, including its " +
			"signing `secret` (sensitive). To use the secret without storing it in state, use the " +
			"`jurichat_webhook_secret` ephemeral resource instead.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the webhook to read.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"office_id":   schema.StringAttribute{MarkdownDescription: "JuriChat office the webhook belongs to.", Computed: true},
			"name":        schema.StringAttribute{MarkdownDescription: "Name of the webhook.", Computed: true},
			"url":         schema.StringAttribute{MarkdownDescription: "URL JuriChat delivers events to.", Computed: true},
			"description": schema.StringAttribute{MarkdownDescription: "Description of the webhook; null when it has none.", Computed: true},
			"events": schema.SetAttribute{
				MarkdownDescription: "Events the webhook is subscribed to.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"is_active": schema.BoolAttribute{MarkdownDescription: "Whether JuriChat delivers events (`false`: paused).", Computed: true},
			"headers": schema.MapAttribute{
				MarkdownDescription: "Custom HTTP headers sent with every delivery (sensitive: values often carry credentials); " +
					"null when there are none.",
				ElementType: types.StringType,
				Computed:    true,
				Sensitive:   true,
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "Secret JuriChat signs every delivery with (`X-JuriChat-Signature`).",
				Computed:            true,
				Sensitive:           true,
			},
			"created_at": schema.StringAttribute{MarkdownDescription: "When the webhook was created (ISO 8601).", Computed: true},
			"updated_at": schema.StringAttribute{MarkdownDescription: "When the webhook was last changed (ISO 8601).", Computed: true},
		},
	}
}

func (d *webhookDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data := configuredData(req.ProviderData, "Data Source", resp.Diagnostics.AddError)
	if data == nil {
		return
	}
	d.data = data
}

func (d *webhookDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg webhookDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := cfg.ID.ValueString()
	hook, err := d.data.client.GetWebhook(ctx, id)
	if err != nil {
		next := ""
		if errors.Is(err, jurichat.ErrNotFound) {
			next = fmt.Sprintf("No webhook %s exists in the office. Check id; the jurichat_webhooks data source lists the office's webhooks.", id)
		}
		apiErrors.AddError(&resp.Diagnostics, readFailure(id), err, next)
		return
	}

	model, diags := webhookDataSourceFrom(ctx, hook)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

// webhookDataSourceFrom is the answer as webhookModelFrom maps it.
func webhookDataSourceFrom(ctx context.Context, in *jurichat.Webhook) (*webhookDataSourceModel, diag.Diagnostics) {
	m, diags := webhookModelFrom(ctx, in)
	return &webhookDataSourceModel{
		ID:          m.ID,
		OfficeID:    m.OfficeID,
		Name:        m.Name,
		URL:         m.URL,
		Events:      m.Events,
		Description: m.Description,
		IsActive:    m.IsActive,
		Headers:     m.Headers,
		Secret:      m.Secret,
		CreatedAt:   m.CreatedAt,
		UpdatedAt:   m.UpdatedAt,
	}, diags
}
