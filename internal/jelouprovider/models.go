package jelouprovider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
)

// projectIDPattern accepts what can stand as one path segment of
// /v1/external-support/{projectId}.
var projectIDPattern = regexp.MustCompile(`^[^/?#\s]+$`)

// integrationIdentityModel is the resource identity of
// jelou_external_support: the project id (the API's only key; a project has at
// most one integration).
type integrationIdentityModel struct {
	ProjectID types.String `tfsdk:"project_id"`
}

// integrationIdentitySchema is the identity schema the resource and its list
// resource share.
func integrationIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"project_id": identityschema.StringAttribute{
				Description:       "Jelou project the integration belongs to.",
				RequiredForImport: true,
			},
		},
	}
}

// setIntegrationIdentity records the identity of the integration in state.
func setIntegrationIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, projectID types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, integrationIdentityModel{ProjectID: projectID})
}

// applyIntegration copies what the API returned into the resource model. The
// signing secret is only overwritten by a non-empty value: get and update
// responses do not carry it. Configured arguments (webhook_url, auth_type) are
// taken from the server only on refresh, to detect drift; after create and
// update the planned values stand.
func applyIntegration(m *externalSupportResourceModel, in *jelou.Integration, refresh bool) {
	if in.ID != "" {
		m.ID = types.StringValue(in.ID)
	}
	if in.BrainID != "" {
		m.BrainID = types.StringValue(in.BrainID)
	} else if m.BrainID.IsUnknown() || m.BrainID.IsNull() {
		m.BrainID = m.ProjectID
	}
	if refresh && in.WebhookURL != "" {
		m.WebhookURL = types.StringValue(in.WebhookURL)
	}
	if refresh && in.AuthType != "" {
		m.AuthType = types.StringValue(in.AuthType)
	}
	if in.SigningSecret != "" {
		m.SigningSecret = types.StringValue(in.SigningSecret)
	}
	if in.CreatedAt != "" {
		m.CreatedAt = types.StringValue(in.CreatedAt)
	} else if m.CreatedAt.IsUnknown() {
		m.CreatedAt = types.StringNull()
	}
	switch {
	case in.UpdatedAt != "":
		m.UpdatedAt = types.StringValue(in.UpdatedAt)
	case m.UpdatedAt.IsUnknown() || m.UpdatedAt.IsNull():
		// The create response has no updatedAt: a new integration was last updated when it was created.
		m.UpdatedAt = m.CreatedAt
	}
	if m.ID.IsUnknown() || m.ID.IsNull() {
		m.ID = m.ProjectID
	}
}
