package providerutil

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A validator's diagnostics about a credential lose their path (the CLI
// would print the line holding the credential) and keep their text, which
// names the argument.
func TestCredentialStringDropsPaths(t *testing.T) {
	v := CredentialString(stringvalidator.LengthAtLeast(1), stringvalidator.LengthAtMost(3))
	req := validator.StringRequest{Path: path.Root("authorization"), ConfigValue: types.StringValue("")}
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), req, resp)
	if len(resp.Diagnostics) != 1 {
		t.Fatalf("%d diagnostics, want 1: %v", len(resp.Diagnostics), resp.Diagnostics)
	}
	d := resp.Diagnostics[0]
	if _, ok := d.(diag.DiagnosticWithPath); ok {
		t.Error("the diagnostic about a credential has an attribute path")
	}
	if d.Summary() != "Invalid Attribute Value Length" || !strings.Contains(d.Detail(), "authorization") {
		t.Errorf("diagnostic %q / %q: want the validator's summary and the argument named", d.Summary(), d.Detail())
	}
	if got := v.Description(context.Background()); !strings.Contains(got, "at least 1") || !strings.Contains(got, "at most 3") {
		t.Errorf("Description() = %q, want both validators'", got)
	}
}

// WithoutPaths names the argument in a detail that does not, keeps the
// severity, and leaves diagnostics without a path as they are.
func TestWithoutPaths(t *testing.T) {
	var in diag.Diagnostics
	in.AddAttributeWarning(path.Root("headers").AtMapKey("X-Token"), "Odd Header", "The value looks odd.")
	in.AddAttributeError(path.Root("api_key"), "Bad Key", "api_key is not valid.")
	in.AddError("Plain", "No path here.")
	out := WithoutPaths(in)
	if len(out) != 3 {
		t.Fatalf("%d diagnostics, want 3", len(out))
	}
	for _, d := range out {
		if _, ok := d.(diag.DiagnosticWithPath); ok {
			t.Errorf("%q still has a path", d.Summary())
		}
	}
	want := []struct {
		severity diag.Severity
		detail   string
	}{
		{diag.SeverityWarning, `Argument headers["X-Token"]: The value looks odd.`},
		{diag.SeverityError, "api_key is not valid."},
		{diag.SeverityError, "No path here."},
	}
	for i, w := range want {
		if out[i].Severity() != w.severity || out[i].Detail() != w.detail {
			t.Errorf("diagnostic %d: %v %q, want %v %q", i, out[i].Severity(), out[i].Detail(), w.severity, w.detail)
		}
	}
}

// A credential setting's errors carry no path; another setting's do.
func TestSettingAddError(t *testing.T) {
	var diags diag.Diagnostics
	Setting{Attribute: "token", EnvVar: "X_TOKEN", Credential: true}.AddError(&diags, "Unknown Token", "token is unknown.")
	Setting{Attribute: "base_url", EnvVar: "X_BASE_URL"}.AddError(&diags, "Invalid Base URL", "base_url is not valid.")
	if _, ok := diags[0].(diag.DiagnosticWithPath); ok {
		t.Error("the credential setting's error has an attribute path")
	}
	if d, ok := diags[1].(diag.DiagnosticWithPath); !ok || !d.Path().Equal(path.Root("base_url")) {
		t.Error("the base_url error lost its attribute path")
	}
}

// A URL that embeds user:password is rejected without a path (its line
// holds the password); any other invalid URL keeps its path.
func TestURLValidatorCredentialsWithoutPath(t *testing.T) {
	cases := map[string]bool{ // value -> path expected
		"https://user:pa55word@hooks.example.com/h": false,
		"http://hooks.example.com/h":                true,
	}
	for value, wantPath := range cases {
		resp := &validator.StringResponse{}
		WebhookURLValidator().ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("webhook_url"), ConfigValue: types.StringValue(value)}, resp)
		if len(resp.Diagnostics) != 1 {
			t.Fatalf("%s: %d diagnostics, want 1", value, len(resp.Diagnostics))
		}
		_, hasPath := resp.Diagnostics[0].(diag.DiagnosticWithPath)
		if hasPath != wantPath || !strings.Contains(resp.Diagnostics[0].Detail(), "webhook_url") {
			t.Errorf("%s: path %v (want %v), detail %q", value, hasPath, wantPath, resp.Diagnostics[0].Detail())
		}
		if strings.Contains(resp.Diagnostics[0].Detail(), "pa55word") {
			t.Errorf("the diagnostic shows the password")
		}
	}
}
