package jelouprovider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
