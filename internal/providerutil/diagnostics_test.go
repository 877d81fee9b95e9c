package providerutil

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

var scopedVendor = Vendor{
	Name:        "X",
	Credentials: "Set api_key (X_API_KEY).",
	BaseURL:     "base_url (X_BASE_URL)",
	Refused:     func(scope string) string { return "X refused the key for " + scope + "." },
}

// No detail names the credentials step, or what the refusal means for the
// scope, twice, whichever way a refusal reaches it: the status itself, a
// wrapped one, or a settling check refused after an unknown outcome.
func TestCredentialsHintOnce(t *testing.T) {
	refused := &transport.APIError{StatusCode: 401, Method: "GET", Path: "/v1/x", Message: "bad key", JSONBody: true}
	forbidden := &transport.APIError{StatusCode: 403, Method: "GET", Path: "/v1/x", JSONBody: true}
	lost := &transport.APIError{StatusCode: 502, Method: "POST", Path: "/v1/x", JSONBody: true}
	cases := map[string]struct {
		cause, err error
		refused    bool
	}{
		"401":                   {refused, refused, true},
		"403":                   {forbidden, forbidden, true},
		"wrapped 401":           {fmt.Errorf("reading: %w", refused), fmt.Errorf("reading: %w", refused), true},
		"settling refused":      {lost, errors.Join(lost, refused), true},
		"refused both times":    {refused, errors.Join(refused, fmt.Errorf("check: %w", refused)), true},
		"lost, settling failed": {lost, errors.Join(lost, errors.New("connection reset")), false},
	}
	f := Failure{Action: "Creating x", Scope: "p1"}
	for name, tc := range cases {
		details := map[string]string{
			"Detail":        scopedVendor.Detail(f, tc.err, "Run terraform apply again."),
			"SettledDetail": scopedVendor.SettledDetail(f, tc.cause, tc.err, "Run terraform apply again."),
		}
		for kind, d := range details {
			want := 0
			if tc.refused {
				want = 1
			}
			for _, hint := range []string{scopedVendor.Credentials, scopedVendor.Refused("p1")} {
				if n := strings.Count(d, hint); n != want {
					t.Errorf("%s, %s: %q appears %d times, want %d:\n%s", name, kind, hint, n, want, d)
				}
			}
		}
	}
}

func TestAddErrorSummaryAndDetail(t *testing.T) {
	var diags diag.Diagnostics
	err := &transport.APIError{StatusCode: 409, Method: "POST", Path: "/v1/x", Message: "exists", JSONBody: true}
	scopedVendor.AddError(&diags, Failure{Summary: "Error Creating X", Action: "Creating x"}, err, "Import it.")
	if len(diags) != 1 || diags[0].Summary() != "Error Creating X" ||
		diags[0].Detail() != "Creating x failed with HTTP 409 Conflict.\n\nThe server said: exists.\n\nImport it." {
		t.Fatalf("diagnostics = %v", diags)
	}
}

func TestUpdateNext(t *testing.T) {
	notFound := &transport.APIError{StatusCode: 404, Method: "PATCH", Path: "/v1/x", JSONBody: true}
	cases := map[string]struct {
		err  error
		want string
	}{
		"deleted outside Terraform": {notFound, "The webhook was deleted outside Terraform. Run terraform apply again to create it anew."},
		"stopped, not applied": {fmt.Errorf("PATCH: %w", context.Canceled), "The apply was stopped while the change was in " +
			"flight; reading the webhook afterwards showed that X had not applied it. The state keeps the previous values, " +
			"which are the server's (and more); run terraform apply again."},
		"outcome unknown": {fmt.Errorf("PATCH: %w", errors.Join(context.Canceled, transport.ErrOutcomeUnknown)),
			"The change may or may not have reached X. The state keeps the previous values; run terraform apply again: " +
				"it reads the webhook and sends whatever still differs."},
		"otherwise": {errors.New("boom"), "Fix it."},
	}
	for name, tc := range cases {
		if got := scopedVendor.UpdateNext("webhook", tc.err, "Fix it.", " (and more)"); got != tc.want {
			t.Errorf("%s: UpdateNext = %q, want %q", name, got, tc.want)
		}
	}
}
