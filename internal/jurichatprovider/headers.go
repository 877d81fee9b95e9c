package jurichatprovider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// reservedHeaders are the headers JuriChat (or HTTP itself) sets on every
// delivery; a custom header cannot replace them. Keys are lower case.
var reservedHeaders = map[string]string{
	"content-type":         "JuriChat sends every delivery as application/json",
	"content-length":       "it is computed from the delivery body",
	"host":                 "it is taken from url",
	"transfer-encoding":    "it is controlled by the HTTP client",
	"connection":           "it is controlled by the HTTP client",
	"user-agent":           "JuriChat identifies its deliveries with its own User-Agent",
	"x-jurichat-signature": "it carries the HMAC-SHA256 signature of the body, computed with the webhook's secret",
	"x-jurichat-delivery":  "it carries the unique delivery id receivers de-duplicate with",
}

// headersValidator checks custom delivery headers: valid names, no two names
// that differ only in case, no reserved names, and values without line
// breaks. Its messages name headers but never repeat a value, which may be a
// credential; the schema runs it through providerutil.CredentialMap, so they
// carry no path either (the CLI would print the whole map).
type headersValidator struct{}

var _ validator.Map = headersValidator{}

func (headersValidator) Description(context.Context) string {
	return "header names must be HTTP tokens, unique without regard to case and not reserved " +
		"(Content-Type, Content-Length, Host, Transfer-Encoding, Connection, User-Agent, X-JuriChat-Signature, " +
		"X-JuriChat-Delivery); values must not contain line breaks"
}

func (v headersValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (headersValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	names := make([]string, 0, len(elems))
	for name := range elems {
		names = append(names, name)
	}
	sort.Strings(names)

	seen := map[string]string{} // lower case -> first spelling
	for _, name := range names {
		lower := strings.ToLower(name)
		switch reason, reserved := reservedHeaders[lower]; {
		case !validation.HeaderName(name):
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid Header Name",
				fmt.Sprintf("%s has the header name %q, which is not a valid HTTP header name. A name is one or more "+
					"letters, digits or any of !#$%%&'*+-.^_`|~ (no spaces, colons or other separators).", req.Path, name))
		case reserved:
			resp.Diagnostics.AddAttributeError(req.Path, "Reserved Header Name",
				fmt.Sprintf("%s sets %q, which a custom header cannot replace: %s. Remove it from %s.", req.Path, name, reason, req.Path))
		}
		if first, dup := seen[lower]; dup {
			resp.Diagnostics.AddAttributeError(req.Path, "Duplicate Header Name",
				fmt.Sprintf("%s has both %q and %q. HTTP header names are case-insensitive, so they name the same "+
					"header; keep only one of them.", req.Path, first, name))
		} else {
			seen[lower] = name
		}

		value, ok := elems[name].(types.String)
		if !ok || value.IsNull() || value.IsUnknown() {
			continue
		}
		if strings.ContainsAny(value.ValueString(), "\r\n\x00") {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid Header Value",
				fmt.Sprintf("The value of header %q in %s contains a line break or NUL character, which HTTP header "+
					"values cannot carry. (The value is not shown: header values often hold credentials.)", name, req.Path))
		}
	}
}

// headersUnsetKeepsServer plans, for headers the configuration does not set,
// the prior state's value (what JuriChat holds, null when nothing): an unset
// argument leaves the server's headers alone instead of clearing them, so
// removing it, or applying configuration Terraform generated for an imported
// webhook (sensitive values are generated as null), erases nothing.
// `headers = {}` is how a configuration clears them. On create nothing is
// known yet: the value stays unknown until the server answers.
type headersUnsetKeepsServer struct{}

var _ planmodifier.Map = headersUnsetKeepsServer{}

func (headersUnsetKeepsServer) Description(context.Context) string {
	return "when not configured, the webhook's headers on JuriChat are kept"
}

func (m headersUnsetKeepsServer) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (headersUnsetKeepsServer) PlanModifyMap(_ context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.ConfigValue.IsNull() && !req.State.Raw.IsNull() && !req.Plan.Raw.IsNull() {
		resp.PlanValue = req.StateValue
	}
}

// headersCaseInsensitive plans no change when the configured headers equal
// the prior state's except for the case of their names: HTTP header names
// are case-insensitive, so such a change would do nothing. The prior spelling
// stays in state until something else about the headers changes.
type headersCaseInsensitive struct{}

var _ planmodifier.Map = headersCaseInsensitive{}

func (headersCaseInsensitive) Description(context.Context) string {
	return "a change of header name case alone is not a change"
}

func (m headersCaseInsensitive) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (headersCaseInsensitive) PlanModifyMap(_ context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	plan := req.PlanValue.Elements()
	for _, v := range plan {
		if v.IsUnknown() {
			return
		}
	}
	if headersEqualFold(plan, req.StateValue.Elements()) {
		resp.PlanValue = req.StateValue
	}
}
