package jelouprovider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
)

var _ datasource.DataSourceWithConfigure = (*externalSupportDataSource)(nil)

type externalSupportDataSource struct {
	client *jelou.Client
}

type externalSupportDataSourceModel struct {
	ID         types.String `tfsdk:"id"`
	ProjectID  types.String `tfsdk:"project_id"`
	BrainID    types.String `tfsdk:"brain_id"`
	WebhookURL types.String `tfsdk:"webhook_url"`
	AuthType   types.String `tfsdk:"auth_type"`
	CreatedAt  types.String `tfsdk:"created_at"`
	UpdatedAt  types.String `tfsdk:"updated_at"`
}

// NewExternalSupportDataSource is the factory for the jelou_external_support data source.
func NewExternalSupportDataSource() datasource.DataSource { return &externalSupportDataSource{} }

func (d *externalSupportDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_support"
}

func (d *externalSupportDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the external support integration of a Jelou project, for example one managed " +
			"elsewhere. The signing secret is not available: Jelou returns it only when the integration is created or " +
			"its secret regenerated. Jelou's get answer may omit `id` and `auth_type` (its documented example does): " +
			"they are null then.",
		Attributes: map[string]schema.Attribute{
			"project_id": schema.StringAttribute{
				MarkdownDescription: "Jelou project whose integration to read.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.RegexMatches(projectIDPattern, "must not contain '/', '?', '#' or white space"),
				},
			},
			"id":          schema.StringAttribute{MarkdownDescription: "Identifier of the integration, as assigned by Jelou; null when Jelou's answer omits it.", Computed: true},
			"brain_id":    schema.StringAttribute{MarkdownDescription: "Jelou brain id of the integration.", Computed: true},
			"webhook_url": schema.StringAttribute{MarkdownDescription: "URL Jelou delivers events to.", Computed: true},
			"auth_type": schema.StringAttribute{
				MarkdownDescription: "How Jelou authenticates to the webhook: `bearer`, `api_key`, `basic` or `no_auth`; null when Jelou's answer omits it.",
				Computed:            true,
			},
			"created_at": schema.StringAttribute{MarkdownDescription: "When the integration was created (RFC 3339).", Computed: true},
			"updated_at": schema.StringAttribute{MarkdownDescription: "When the integration was last changed (RFC 3339).", Computed: true},
		},
	}
}

func (d *externalSupportDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	client, ok := req.ProviderData.(*jelou.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Data Source Configure Type",
			fmt.Sprintf("Expected *jelou.Client, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	d.client = client
}

func (d *externalSupportDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg externalSupportDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	projectID := cfg.ProjectID.ValueString()
	integration, err := d.client.GetIntegration(ctx, projectID)
	if err != nil {
		next := ""
		if errors.Is(err, jelou.ErrNotFound) {
			next = fmt.Sprintf("Project %q has no external support integration. Check project_id, or create one with the jelou_external_support resource.", projectID)
		}
		apiErrors.AddError(&resp.Diagnostics, readFailure(projectID), err, next)
		return
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, dataSourceModel(projectID, integration))...)
}

// dataSourceModel is the answer as integrationModelFrom maps it: what Jelou
// omits is null.
func dataSourceModel(projectID string, in *jelou.Integration) *externalSupportDataSourceModel {
	m := integrationModelFrom(projectID, in)
	return &externalSupportDataSourceModel{
		ID:         m.ID,
		ProjectID:  m.ProjectID,
		BrainID:    m.BrainID,
		WebhookURL: m.WebhookURL,
		AuthType:   m.AuthType,
		CreatedAt:  m.CreatedAt,
		UpdatedAt:  m.UpdatedAt,
	}
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
