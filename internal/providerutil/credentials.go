package providerutil

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Diagnostics about credential arguments carry no attribute path.
//
// Terraform and OpenTofu print the configuration lines of every diagnostic
// that has an attribute path, and the line of a credential argument
// (authorization, authorization_wo, headers, the providers' api_key, token,
// client_id, client_secret) may hold the credential itself, as a literal or
// inside a header map. Those lines end up in CI logs more people read than
// the repository. So every diagnostic about such an argument is reported
// without a path, which makes the CLI show the first line of the block
// instead, and it names the argument in its text. Diagnostics about other
// arguments keep their paths: pointing at the line is good for them.

// AddCredentialError adds an error about the credential argument argument
// without an attribute path; detail must name the argument (see above).
func AddCredentialError(diags *diag.Diagnostics, argument, summary, detail string) {
	diags.AddError(summary, namedDetail(argument, detail))
}

// AddCredentialWarning is AddCredentialError for a warning.
func AddCredentialWarning(diags *diag.Diagnostics, argument, summary, detail string) {
	diags.AddWarning(summary, namedDetail(argument, detail))
}

// WithoutPaths returns diags with every attribute path removed; a detail
// that does not name its argument gets "Argument <path>: " in front, so the
// text still says where the problem is.
func WithoutPaths(diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range diags {
		withPath, ok := d.(diag.DiagnosticWithPath)
		if !ok {
			out.Append(d)
			continue
		}
		detail := namedDetail(withPath.Path().String(), d.Detail())
		if d.Severity() == diag.SeverityWarning {
			out.AddWarning(d.Summary(), detail)
		} else {
			out.AddError(d.Summary(), detail)
		}
	}
	return out
}

func namedDetail(argument, detail string) string {
	if argument == "" || strings.Contains(detail, argument) {
		return detail
	}
	return "Argument " + argument + ": " + detail
}

// CredentialString runs the validators of a credential string argument and
// reports their diagnostics without attribute paths (see WithoutPaths).
func CredentialString(validators ...validator.String) validator.String {
	return credentialString(validators)
}

type credentialString []validator.String

func (v credentialString) Description(ctx context.Context) string {
	parts := make([]string, len(v))
	for i, inner := range v {
		parts[i] = inner.Description(ctx)
	}
	return strings.Join(parts, "; ")
}

func (v credentialString) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v credentialString) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	for _, inner := range v {
		innerResp := &validator.StringResponse{}
		inner.ValidateString(ctx, req, innerResp)
		resp.Diagnostics.Append(WithoutPaths(innerResp.Diagnostics)...)
	}
}

// CredentialMap is CredentialString for a map whose values are credentials
// (jurichat_webhook headers): a path into the map would make the CLI print
// the whole map, values included.
func CredentialMap(validators ...validator.Map) validator.Map {
	return credentialMap(validators)
}

type credentialMap []validator.Map

func (v credentialMap) Description(ctx context.Context) string {
	parts := make([]string, len(v))
	for i, inner := range v {
		parts[i] = inner.Description(ctx)
	}
	return strings.Join(parts, "; ")
}

func (v credentialMap) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v credentialMap) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	for _, inner := range v {
		innerResp := &validator.MapResponse{}
		inner.ValidateMap(ctx, req, innerResp)
		resp.Diagnostics.Append(WithoutPaths(innerResp.Diagnostics)...)
	}
}

// CredentialResourceValidator runs a resource-level config validator that
// involves credential arguments (resourcevalidator.Conflicting of two
// credentials) and reports its diagnostics without attribute paths.
func CredentialResourceValidator(v resource.ConfigValidator) resource.ConfigValidator {
	return credentialResourceValidator{inner: v}
}

type credentialResourceValidator struct{ inner resource.ConfigValidator }

func (v credentialResourceValidator) Description(ctx context.Context) string {
	return v.inner.Description(ctx)
}

func (v credentialResourceValidator) MarkdownDescription(ctx context.Context) string {
	return v.inner.MarkdownDescription(ctx)
}

func (v credentialResourceValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	innerResp := &resource.ValidateConfigResponse{}
	v.inner.ValidateResource(ctx, req, innerResp)
	resp.Diagnostics.Append(WithoutPaths(innerResp.Diagnostics)...)
}
