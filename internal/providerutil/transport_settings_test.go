package providerutil

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	testEnvRetries = "TEST_PROVIDER_MAX_RETRIES"
	testEnvTimeout = "TEST_PROVIDER_REQUEST_TIMEOUT"
)

func settings(retries types.Int64, timeout types.String) TransportSettings {
	return TransportSettings{Provider: "test", Label: "Test", MaxRetries: retries, RequestTimeout: timeout,
		EnvMaxRetries: testEnvRetries, EnvRequestTimeout: testEnvTimeout}
}

func diagText(d diag.Diagnostics) string {
	var b strings.Builder
	for _, x := range d {
		b.WriteString(x.Summary() + ": " + x.Detail() + "\n")
	}
	return b.String()
}

func TestResolveTransportSettings(t *testing.T) {
	cases := []struct {
		name           string
		retries        types.Int64
		timeout        types.String
		envRetries     string
		envTimeout     string
		want           ResolvedTransport
		wantErr        string // a fragment of the error; "" for none
		wantTransport  int    // TransportMaxRetries
		wantAttrErrors int
	}{
		{name: "defaults", retries: types.Int64Null(), timeout: types.StringNull(),
			want: ResolvedTransport{MaxRetries: 4, RequestTimeout: 60 * time.Second}, wantTransport: 4},
		{name: "configured", retries: types.Int64Value(7), timeout: types.StringValue("90s"),
			want: ResolvedTransport{MaxRetries: 7, RequestTimeout: 90 * time.Second}, wantTransport: 7},
		{name: "zero retries means none", retries: types.Int64Value(0), timeout: types.StringNull(),
			want: ResolvedTransport{MaxRetries: 0, RequestTimeout: 60 * time.Second}, wantTransport: -1},
		{name: "from the environment", retries: types.Int64Null(), timeout: types.StringNull(), envRetries: " 2 ", envTimeout: "2m",
			want: ResolvedTransport{MaxRetries: 2, RequestTimeout: 2 * time.Minute}, wantTransport: 2},
		{name: "configuration wins over the environment", retries: types.Int64Value(1), timeout: types.StringValue("5s"),
			envRetries: "not read", envTimeout: "not read",
			want: ResolvedTransport{MaxRetries: 1, RequestTimeout: 5 * time.Second}, wantTransport: 1},
		{name: "environment zero", retries: types.Int64Null(), timeout: types.StringNull(), envRetries: "0",
			want: ResolvedTransport{MaxRetries: 0, RequestTimeout: 60 * time.Second}, wantTransport: -1},
		{name: "environment retries not a number", retries: types.Int64Null(), timeout: types.StringNull(), envRetries: "lots",
			wantErr: `Invalid TEST_PROVIDER_MAX_RETRIES Environment Variable: The TEST_PROVIDER_MAX_RETRIES environment variable is "lots", which is not a whole number between 0 and 20`},
		{name: "environment retries negative", retries: types.Int64Null(), timeout: types.StringNull(), envRetries: "-1",
			wantErr: `TEST_PROVIDER_MAX_RETRIES environment variable is "-1"`},
		{name: "environment retries too many", retries: types.Int64Null(), timeout: types.StringNull(), envRetries: "21",
			wantErr: `TEST_PROVIDER_MAX_RETRIES environment variable is "21"`},
		{name: "environment timeout without unit", retries: types.Int64Null(), timeout: types.StringNull(), envTimeout: "30",
			wantErr: `Invalid TEST_PROVIDER_REQUEST_TIMEOUT Environment Variable: The TEST_PROVIDER_REQUEST_TIMEOUT environment variable is invalid: "30" is not a duration such as "30s" or "2m" (a unit is required: "30s")`},
		{name: "environment timeout too long", retries: types.Int64Null(), timeout: types.StringNull(), envTimeout: "3h",
			wantErr: `"3h" is outside the accepted range, 1s to 1h`},
		{name: "unknown values", retries: types.Int64Unknown(), timeout: types.StringUnknown(),
			wantErr: "Unknown Test Max Retries", wantAttrErrors: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(testEnvRetries, c.envRetries)
			t.Setenv(testEnvTimeout, c.envTimeout)
			var diags diag.Diagnostics
			got, ok := settings(c.retries, c.timeout).Resolve(&diags)
			if c.wantErr != "" {
				if ok || !strings.Contains(diagText(diags), c.wantErr) {
					t.Fatalf("diagnostics %q, want %q", diagText(diags), c.wantErr)
				}
				if c.wantAttrErrors > 0 {
					n := 0
					for _, d := range diags {
						if _, isAttr := d.(diag.DiagnosticWithPath); isAttr {
							n++
						}
					}
					if n != c.wantAttrErrors {
						t.Errorf("%d attribute errors, want %d", n, c.wantAttrErrors)
					}
				}
				return
			}
			if !ok || diags.HasError() {
				t.Fatalf("unexpected diagnostics: %s", diagText(diags))
			}
			if got != c.want || got.TransportMaxRetries() != c.wantTransport {
				t.Errorf("got %+v (transport %d), want %+v (transport %d)", got, got.TransportMaxRetries(), c.want, c.wantTransport)
			}
			o := got.HTTPOptions("Test")
			if o.MaxRetries != c.wantTransport || o.RequestTimeout != c.want.RequestTimeout {
				t.Errorf("HTTPOptions %+v", o)
			}
		})
	}
}

func TestDurationValidator(t *testing.T) {
	v := DurationValidator(MinRequestTimeout, MaxRequestTimeout)
	for value, want := range map[string]string{
		"30s": "", "1s": "", "1h": "", "2m30s": "", " 45s ": "",
		"30":      `"30" is not a duration such as "30s" or "2m" (a unit is required: "30s")`,
		"":        `"" is not a duration`,
		"soon":    `"soon" is not a duration`,
		"999ms":   `"999ms" is outside the accepted range, 1s to 1h`,
		"-5s":     `"-5s" is outside`,
		"61m":     `"61m" is outside`,
		"1.5":     `(a unit is required: "1.5s")`,
		"1 hour":  `"1 hour" is not a duration`,
		"0":       `"0" is outside`,
		"100000h": `outside`,
	} {
		req := validator.StringRequest{Path: path.Root(AttrRequestTimeout), ConfigValue: types.StringValue(value)}
		var resp validator.StringResponse
		v.ValidateString(context.Background(), req, &resp)
		got := diagText(resp.Diagnostics)
		if want == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%q: unexpected error %s", value, got)
			}
			continue
		}
		if !strings.Contains(got, want) || !strings.HasPrefix(got, "Invalid Duration: Attribute request_timeout: ") {
			t.Errorf("%q: diagnostics %q, want %q", value, got, want)
		}
	}
	for _, v2 := range []types.String{types.StringNull(), types.StringUnknown()} {
		var resp validator.StringResponse
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: v2}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v rejected", v2)
		}
	}
}

func TestSettingsAttributesDocumentTheEnvironment(t *testing.T) {
	r := MaxRetriesAttribute("JELOU_MAX_RETRIES")
	if !strings.Contains(r.MarkdownDescription, "`JELOU_MAX_RETRIES`") || !strings.Contains(r.MarkdownDescription, "defaults to 4") || !r.Optional {
		t.Errorf("max_retries: %+v", r)
	}
	d := RequestTimeoutAttribute("JELOU_REQUEST_TIMEOUT")
	if !strings.Contains(d.MarkdownDescription, "`JELOU_REQUEST_TIMEOUT`") || !strings.Contains(d.MarkdownDescription, "Defaults to `\"60s\"`") || !d.Optional {
		t.Errorf("request_timeout: %+v", d)
	}
}

func TestImportInstructions(t *testing.T) {
	got := ImportInstructions("jelou_external_support", "proj-1")
	want := "  terraform import jelou_external_support.<name> proj-1\n\n(tofu import with OpenTofu), or add an import block " +
		"(Terraform 1.5+, OpenTofu 1.6+):\n\n" +
		"  import {\n    to = jelou_external_support.<name>\n    id = \"proj-1\"\n  }"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestResolveMaxRequestsPerSecond(t *testing.T) {
	const env = "TEST_PROVIDER_MAX_REQUESTS_PER_SECOND"
	base := func(v types.Float64) TransportSettings {
		s := settings(types.Int64Null(), types.StringNull())
		s.MaxRequestsPerSecond, s.EnvMaxRequestsPerSecond = v, env
		return s
	}
	cases := []struct {
		name    string
		value   types.Float64
		env     string
		want    float64
		wantErr string
	}{
		{name: "unset: learned", value: types.Float64Null(), want: 0},
		{name: "configured", value: types.Float64Value(12.5), env: "3", want: 12.5},
		{name: "from the environment", value: types.Float64Null(), env: " 2.5 ", want: 2.5},
		{name: "environment not a number", value: types.Float64Null(), env: "fast",
			wantErr: `Invalid TEST_PROVIDER_MAX_REQUESTS_PER_SECOND Environment Variable: The TEST_PROVIDER_MAX_REQUESTS_PER_SECOND environment variable is "fast", which is not a number between 0.1 and 10000`},
		{name: "environment zero", value: types.Float64Null(), env: "0", wantErr: `is "0", which is not a number between 0.1`},
		{name: "unknown", value: types.Float64Unknown(), wantErr: "Unknown Test Max Requests Per Second"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(env, tc.env)
			var diags diag.Diagnostics
			got, ok := base(tc.value).Resolve(&diags)
			if tc.wantErr != "" {
				if ok || !strings.Contains(diagText(diags), tc.wantErr) {
					t.Errorf("ok %v, diagnostics %q, want %q", ok, diagText(diags), tc.wantErr)
				}
				return
			}
			if !ok || got.MaxRequestsPerSecond != tc.want {
				t.Errorf("got %v (ok %v, %s), want %v", got.MaxRequestsPerSecond, ok, diagText(diags), tc.want)
			}
		})
	}
}

func TestWithTimeoutDefaultsAndBudgetHint(t *testing.T) {
	ctx, d, cancel, diags := WithTimeout(context.Background(), timeouts.Value{}, OpCreate)
	defer cancel()
	if diags.HasError() || d != DefaultCreateTimeout {
		t.Fatalf("unset timeouts: budget %v, %v", d, diags)
	}
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > DefaultCreateTimeout {
		t.Errorf("deadline %v", dl)
	}
	_, d, cancel2, _ := WithTimeout(context.Background(), NullTimeouts(), OpRead)
	defer cancel2()
	if d != DefaultReadTimeout {
		t.Errorf("read budget %v", d)
	}
	if h := BudgetHint("jurichat_webhook", OpCreate, 20*time.Minute); !strings.Contains(h, `timeouts { create = "40m" } (now 20m)`) {
		t.Errorf("hint %q", h)
	}
}
