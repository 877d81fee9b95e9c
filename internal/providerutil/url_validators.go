package providerutil

import (
	"context"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// WebhookURLValidator is the framework validator (the rule is validation.WebhookURL) for attributes holding a
// webhook URL (jelou_external_support.webhook_url, jurichat_webhook.url).
func WebhookURLValidator() validator.String {
	return urlValidator{check: validation.WebhookURL, what: "webhook"}
}

// BaseURLValidator is the framework validator for the providers' base_url.
func BaseURLValidator() validator.String {
	return urlValidator{check: validation.BaseURL, what: "API base"}
}

type urlValidator struct {
	check func(string) error
	what  string
}

var _ validator.String = urlValidator{}

func (v urlValidator) Description(context.Context) string {
	return "value must be an absolute https URL (http only for loopback hosts) without embedded credentials"
}

func (v urlValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v urlValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if err := v.check(value); err != nil {
		summary, detail := "Invalid "+titleWhat(v.what)+" URL", "Attribute "+req.Path.String()+": "+err.Error()+"."
		if u, perr := url.Parse(value); perr == nil && u.User != nil {
			// The line holds a user:password: no path (see AddCredentialError).
			AddCredentialError(&resp.Diagnostics, req.Path.String(), summary, detail)
			return
		}
		resp.Diagnostics.AddAttributeError(req.Path, summary, detail)
	}
}

func titleWhat(w string) string {
	if w == "webhook" {
		return "Webhook"
	}
	return w
}
