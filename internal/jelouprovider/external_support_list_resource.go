package jelouprovider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
)

var (
	_ list.ListResourceWithConfigure      = (*externalSupportListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*externalSupportListResource)(nil)
)

// externalSupportListResource finds the integrations of given projects for
// terraform query (Terraform 1.14 and later). Jelou has no endpoint that
// lists integrations, so the projects to look at are configured.
type externalSupportListResource struct {
	client *jelou.Client
}

type externalSupportListConfigModel struct {
	ProjectIDs types.List `tfsdk:"project_ids"`
}

// NewExternalSupportListResource is the factory for the
// jelou_external_support list resource.
func NewExternalSupportListResource() list.ListResource { return &externalSupportListResource{} }

func (l *externalSupportListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_support"
}

func (l *externalSupportListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the external support integrations of the given Jelou projects, for `terraform " +
			"query` (Terraform 1.14 and later). Jelou has no endpoint that lists integrations, so the list reads each " +
			"project in `project_ids`: a project with an integration is a result (identity `project_id`), one without " +
			"is left out, and any other error is an error. With `-generate-config-out` each result carries the " +
			"integration as a refresh reads it; the credential Jelou sends to the webhook cannot be read back, so for " +
			"an integration whose `auth_type` is not `no_auth` add `authorization_wo` and `authorization_wo_version` (or " +
			"`authorization`) to the generated configuration before planning.",
		Attributes: map[string]schema.Attribute{
			"project_ids": schema.ListAttribute{
				MarkdownDescription: "Jelou project ids to look for integrations in, at least one; a project may be " +
					"listed once.",
				ElementType: types.StringType,
				Required:    true,
			},
		},
	}
}

func (l *externalSupportListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	client, ok := req.ProviderData.(*jelou.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected List Resource Configure Type",
			fmt.Sprintf("Expected *jelou.Client, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	l.client = client
}

// ValidateListResourceConfig refuses an empty project_ids, and ids that
// cannot be a project id, each naming the attribute.
func (l *externalSupportListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var cfg externalSupportListConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.ProjectIDs.IsNull() || cfg.ProjectIDs.IsUnknown() {
		return
	}
	elems := cfg.ProjectIDs.Elements()
	if len(elems) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("project_ids"), "Empty project_ids",
			"project_ids is empty, so there is nothing to look for. Jelou has no endpoint that lists integrations: list "+
				"the projects whose integrations to find, for example project_ids = [\"support-es\", \"support-pt\"].")
		return
	}
	seen := map[string]bool{}
	for i, e := range elems {
		v, ok := e.(types.String)
		if !ok || v.IsUnknown() {
			continue
		}
		p := path.Root("project_ids").AtListIndex(i)
		switch id := v.ValueString(); {
		case v.IsNull() || !projectIDPattern.MatchString(id):
			resp.Diagnostics.AddAttributeError(p, "Invalid Project ID",
				fmt.Sprintf("project_ids[%d] is %q, which is not a Jelou project id: it must be non-empty, without '/', '?', "+
					"'#' or white space.", i, id))
		case seen[id]:
			resp.Diagnostics.AddAttributeError(p, "Duplicate Project ID",
				fmt.Sprintf("project_ids lists %q more than once; a project has at most one integration, so list it once.", id))
		default:
			seen[id] = true
		}
	}
}

func (l *externalSupportListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg externalSupportListConfigModel
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var projectIDs []string
	if diags := cfg.ProjectIDs.ElementsAs(ctx, &projectIDs, false); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}

	stream.Results = func(push func(list.ListResult) bool) {
		var sent int64
		for _, projectID := range projectIDs {
			if req.Limit > 0 && sent >= req.Limit {
				return
			}
			integration, err := l.client.GetIntegration(ctx, projectID)
			if errors.Is(err, jelou.ErrNotFound) {
				continue // no integration: not a result
			}
			result := req.NewListResult(ctx)
			if err != nil {
				apiErrors.AddError(&result.Diagnostics, readFailure(projectID), err,
					"Check the project id and the provider's credentials (a project API key reads only its own project).")
				push(result)
				return
			}
			l.fill(ctx, req, &result, projectID, integration)
			sent++
			if !push(result) || result.Diagnostics.HasError() {
				return
			}
		}
	}
}

// fill sets the display name, the identity and, when asked for, the
// resource as a refresh after import reads it.
func (l *externalSupportListResource) fill(ctx context.Context, req list.ListRequest, result *list.ListResult, projectID string, in *jelou.Integration) {
	m := integrationModelFrom(projectID, in).withUnreturned(nil, nil)
	authType := m.AuthType.ValueString()
	if m.AuthType.IsNull() {
		authType = "auth_type not reported"
	}
	result.DisplayName = fmt.Sprintf("%s → %s (%s)", projectID, in.WebhookURL, authType)
	result.Diagnostics.Append(result.Identity.Set(ctx, integrationIdentityModel{ProjectID: m.ProjectID})...)
	if !req.IncludeResource {
		return
	}
	result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	switch {
	case m.AuthType.IsNull():
		result.Diagnostics.AddWarning("Jelou Did Not Report The Authentication Type",
			fmt.Sprintf("Jelou's answer for the integration of project %q has no authType, so generated configuration "+
				"leaves auth_type out (which means \"no_auth\"). Set auth_type, and its credential, to what the integration "+
				"uses before applying: otherwise the import would change the integration to no_auth.", projectID))
	case m.AuthType.ValueString() != AuthTypeNoAuth:
		result.Diagnostics.AddWarning("Jelou Webhook Credential Not Readable",
			fmt.Sprintf("The integration of project %q authenticates to its webhook with auth_type %q. Jelou never returns "+
				"that credential, so generated configuration cannot hold it: add authorization_wo and "+
				"authorization_wo_version = 1 (or authorization) to its resource block before planning. The import then "+
				"sends the credential once, as an update in place.", projectID, m.AuthType.ValueString()))
	}
}
