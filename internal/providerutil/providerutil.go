// Package providerutil holds the pieces both providers share on the Terraform
// side: resolving a setting from configuration or environment, and turning an
// API error into a diagnostic that carries the server's message and HTTP status.
package providerutil

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// Setting is one provider argument that can also come from an environment
// variable. Configured values win over the environment.
type Setting struct {
	Attribute string       // schema attribute name, e.g. "api_key"
	EnvVar    string       // e.g. "JELOU_API_KEY"
	Label     string       // human name, e.g. "Jelou API key"
	Config    types.String // the configured value
}

// Value returns the configured value, or the environment's when the attribute
// is null. Call RejectUnknown first.
func (s Setting) Value() string {
	if !s.Config.IsNull() && !s.Config.IsUnknown() {
		return s.Config.ValueString()
	}
	return os.Getenv(s.EnvVar)
}

// IsSet reports whether the setting has a non-empty value from either source.
func (s Setting) IsSet() bool { return s.Value() != "" }

// Source names where the value came from, for error messages.
func (s Setting) Source() string {
	if !s.Config.IsNull() && !s.Config.IsUnknown() {
		return "the " + s.Attribute + " argument"
	}
	return "the " + s.EnvVar + " environment variable"
}

// RejectUnknown adds an attribute error for every setting whose configured
// value is unknown at configure time (for example derived from a resource that
// does not exist yet). It reports whether all were known.
func RejectUnknown(diags *diag.Diagnostics, provider string, settings ...Setting) bool {
	ok := true
	for _, s := range settings {
		if !s.Config.IsUnknown() {
			continue
		}
		ok = false
		diags.AddAttributeError(path.Root(s.Attribute),
			"Unknown "+s.Label,
			fmt.Sprintf("The %s provider cannot be configured because %s is unknown until apply. "+
				"Set %s to a value known at plan time (a literal, a variable or a data source), "+
				"or leave it unset and use the %s environment variable.", provider, s.Attribute, s.Attribute, s.EnvVar))
	}
	return ok
}

// Vendor is what a provider supplies to the API error diagnostics both
// providers share: its own words for the steps that fix what only its
// configuration can fix.
type Vendor struct {
	// Credentials is the step that fixes rejected credentials, naming the
	// provider's credential arguments and their environment variables.
	Credentials string
	// BaseURL names the base URL setting, its environment variable and its
	// default, e.g. "base_url (JELOU_BASE_URL; default https://…)".
	BaseURL string
}

// APIErrorDetail builds the detail of a diagnostic for a failed API call:
// what failed, the server's own message and HTTP status when the error came
// from the API, the one hint its status or failure calls for, and the next
// step. The error text never carries credentials.
func (v Vendor) APIErrorDetail(action string, err error, next string) string {
	return v.errorDetail(action, err, next, true)
}

// OutcomeUnknownDetail is APIErrorDetail for a create whose outcome was
// unknown (cause) and that the API client went on to settle: the status
// hints ("run the command again") are left out, since next says what to do.
func (v Vendor) OutcomeUnknownDetail(action string, cause error, next string) string {
	return v.errorDetail(action, cause, next, false)
}

// CredentialsStep is "\n\n" and the credentials step when err is a rejection
// of the credentials, else "": for a detail whose status hints were left out
// (OutcomeUnknownDetail) but whose later check was refused.
func (v Vendor) CredentialsStep(err error) string {
	if errors.Is(err, transport.ErrUnauthorized) {
		return "\n\n" + v.Credentials
	}
	return ""
}

func (v Vendor) errorDetail(action string, err error, next string, hints bool) string {
	var b strings.Builder
	b.WriteString(action)
	b.WriteString(" failed")
	var apiErr *transport.APIError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &apiErr):
		fmt.Fprintf(&b, " with HTTP %d %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
		if apiErr.Message != "" {
			fmt.Fprintf(&b, ".\n\nThe server said: %s", apiErr.Message)
		}
		b.WriteString(".")
		if apiErr.StatusCode == http.StatusNotFound && !apiErr.JSONBody {
			b.WriteString("\n\nThe answer is not an API error but a page from a web server or proxy, so it does not " +
				"say the object is gone. Check that " + v.BaseURL + " points at the API.")
		} else if hint := v.statusHint(apiErr.StatusCode); hint != "" && hints {
			b.WriteString("\n\n")
			b.WriteString(hint)
		}
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		fmt.Fprintf(&b, ": the API host %q does not resolve (no such host).\n\nCheck %s: it names the host "+
			"the provider calls, and that host must resolve from this machine.", dnsErr.Name, v.BaseURL)
	default:
		fmt.Fprintf(&b, ": %s.", strings.TrimSuffix(err.Error(), "."))
	}
	if next != "" {
		b.WriteString("\n\n")
		b.WriteString(next)
	}
	return b.String()
}

func (v Vendor) statusHint(status int) string {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "The API rejected the provider's credentials. " + v.Credentials
	case status == http.StatusTooManyRequests:
		return "The API is rate limiting requests; retry later or lower -parallelism."
	case status >= 500:
		return "This is a server-side failure; it is usually temporary. Run the command again."
	}
	return ""
}

// RetryLogger returns the transport's OnRetry hook for a vendor: a tflog
// warning per retried request with its method, path, attempt and status. It
// logs nothing that could carry a credential.
func RetryLogger(vendor string) func(ctx context.Context, method, reqPath string, attempt int, status int, err error) {
	return func(ctx context.Context, method, reqPath string, attempt int, status int, err error) {
		fields := map[string]any{"method": method, "path": reqPath, "attempt": attempt}
		if status != 0 {
			fields["status"] = status
			fields["status_text"] = http.StatusText(status)
		}
		if err != nil {
			fields["error"] = err.Error()
		}
		tflog.Warn(ctx, "Retrying "+vendor+" API request", fields)
	}
}

// ImportInstructions tells how to bring an existing object under Terraform:
// the import command and the equivalent import block, for a resource of
// resourceType (e.g. "jelou_external_support") whose import id is id. The
// words fit Terraform and OpenTofu alike.
func ImportInstructions(resourceType, id string) string {
	return fmt.Sprintf("  terraform import %s.<name> %s\n\n(tofu import with OpenTofu), or add an import block "+
		"(Terraform 1.5+, OpenTofu 1.6+):\n\n  import {\n    to = %s.<name>\n    id = %q\n  }", resourceType, id, resourceType, id)
}
