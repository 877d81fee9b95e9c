// Package providerutil holds the pieces both providers share on the Terraform
// side: resolving a setting from configuration or environment, and turning an
// API error into a diagnostic that carries the server's message and HTTP status.
package providerutil

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"time"

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
	// Credential marks an argument whose configuration line may hold a
	// credential: its diagnostics carry no attribute path (see
	// AddCredentialError).
	Credential bool
}

// AddError adds an error about the setting: on its attribute, or, for a
// credential, without a path, naming the argument.
func (s Setting) AddError(diags *diag.Diagnostics, summary, detail string) {
	if s.Credential {
		AddCredentialError(diags, s.Attribute, summary, detail)
		return
	}
	diags.AddAttributeError(path.Root(s.Attribute), summary, detail)
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

// RejectUnknown adds an error for every setting whose configured value is
// unknown at configure time (for example derived from a resource that does
// not exist yet), on its attribute unless it is a credential. It reports
// whether all were known.
func RejectUnknown(diags *diag.Diagnostics, provider string, settings ...Setting) bool {
	ok := true
	for _, s := range settings {
		if !s.Config.IsUnknown() {
			continue
		}
		ok = false
		s.AddError(diags,
			"Unknown "+s.Label,
			fmt.Sprintf("The %s provider cannot be configured because %s is unknown until apply. "+
				"Set %s to a value known at plan time (a literal, a variable or a data source), "+
				"or leave it unset and use the %s environment variable.", provider, s.Attribute, s.Attribute, s.EnvVar))
	}
	return ok
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

// ThrottleLogger returns the transport's OnThrottle hook for a vendor: a
// debug line per throttling answer waited out (the benchmark counts them),
// and a warning once the operation has waited long (transport.LongThrottleWait,
// then every transport.LongThrottleEvery), saying how long, how many answers
// were throttling and which setting bounds the waiting. No credential.
func ThrottleLogger(vendor string) func(ctx context.Context, e transport.ThrottleEvent) {
	return func(ctx context.Context, e transport.ThrottleEvent) {
		fields := map[string]any{"method": e.Method, "path": e.Path, "status": e.Status,
			"wait": e.Wait.Round(time.Millisecond).String(), "waited": e.Waited.Round(time.Second).String(),
			"throttled_answers": e.Answers, "pace_requests_per_second": math.Round(e.Rate*100) / 100}
		if !e.Long {
			tflog.Debug(ctx, "Waiting out "+vendor+" API throttling", fields)
			return
		}
		tflog.Warn(ctx, fmt.Sprintf("The %s API has been throttling this operation for %s (%d answers were HTTP %d); "+
			"still waiting, within the resource's timeouts (or %s for data sources, list resources, ephemeral resources "+
			"and actions). Pipelines sharing the credential share its rate limit.",
			vendor, e.Waited.Round(time.Second), e.Answers, e.Status, transport.DefaultThrottleBudget), fields)
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
