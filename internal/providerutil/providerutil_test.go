package providerutil

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

var testVendor = Vendor{
	Credentials: "Set api_key (X_API_KEY).",
	BaseURL:     "base_url (X_BASE_URL; default https://api.example.com)",
}

func TestDetail(t *testing.T) {
	unauthorized := &transport.APIError{StatusCode: 401, Method: "GET", Path: "/v1/x", Message: "Invalid API key", JSONBody: true}
	cases := map[string]struct {
		err  error
		next string
		want []string // in this order
		once []string // appear exactly once
	}{
		"401 names the credential settings once": {
			err: unauthorized, next: "Run the command again.",
			want: []string{"Reading x failed with HTTP 401 Unauthorized.", "The server said: Invalid API key.",
				"The API rejected the provider's credentials. Set api_key (X_API_KEY).", "Run the command again."},
			once: []string{"X_API_KEY"},
		},
		"500 hint": {
			err:  &transport.APIError{StatusCode: 500, Method: "GET", Path: "/v1/x", JSONBody: true},
			want: []string{"failed with HTTP 500 Internal Server Error.", "server-side failure"},
		},
		"404 page from a proxy names the base URL setting": {
			err: &transport.APIError{StatusCode: 404, Method: "GET", Path: "/v1/x", URLPath: "/wrong/v1/x"},
			want: []string{"HTTP 404 Not Found.", "Check that base_url (X_BASE_URL; default https://api.example.com) points at the " +
				"API: the provider called GET /wrong/v1/x."},
		},
		"404 for an unknown route names the base URL setting and the path called": {
			err: &transport.APIError{StatusCode: 404, Method: "GET", Path: "/v1/x", URLPath: "/wrong/v1/x", JSONBody: true,
				NoRoute: true, Message: "Cannot GET /wrong/v1/x"},
			want: []string{"HTTP 404 Not Found.", "The server said: Cannot GET /wrong/v1/x.", "no such route",
				"Check that base_url (X_BASE_URL; default https://api.example.com) points at the API: the provider called GET /wrong/v1/x."},
		},
		"unresolvable host names the base URL setting": {
			err: fmt.Errorf("GET https://api.example.invalid/v1/x: %w",
				&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}}),
			want: []string{`Reading x failed: the API host "api.example.invalid" does not resolve (no such host).`,
				"Check base_url (X_BASE_URL; default https://api.example.com)"},
		},
		"other errors verbatim": {
			err:  fmt.Errorf("connection refused"),
			want: []string{"Reading x failed: connection refused."},
		},
	}
	for name, tc := range cases {
		got := testVendor.Detail(Failure{Action: "Reading x"}, tc.err, tc.next)
		rest := got
		for _, w := range tc.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("%s: detail lacks %q (in order):\n%s", name, w, got)
				break
			}
			rest = rest[i+len(w):]
		}
		for _, w := range tc.once {
			if n := strings.Count(got, w); n != 1 {
				t.Errorf("%s: %q appears %d times, want once:\n%s", name, w, n, got)
			}
		}
	}
}

func TestSettledDetailLeavesStatusHintsOut(t *testing.T) {
	err := &transport.APIError{StatusCode: 401, Method: "GET", Path: "/v1/x", JSONBody: true}
	f := Failure{Action: "Creating x"}
	got := testVendor.SettledDetail(f, err, fmt.Errorf("other"), "Check and apply again.")
	if strings.Contains(got, "X_API_KEY") {
		t.Errorf("status hint present:\n%s", got)
	}
	// The settling itself refused: the credentials step follows the next step.
	refused := testVendor.SettledDetail(f, fmt.Errorf("connection reset"), err, "Check and apply again.")
	if want := "Check and apply again.\n\nSet api_key (X_API_KEY)."; !strings.HasSuffix(refused, want) {
		t.Errorf("SettledDetail of a refused settling = %q, want it to end with %q", refused, want)
	}
	if other := testVendor.SettledDetail(f, fmt.Errorf("connection reset"), fmt.Errorf("other"), "Check."); strings.Contains(other, "X_API_KEY") {
		t.Errorf("SettledDetail of another error names the credentials:\n%s", other)
	}
}

func TestFirstKnown(t *testing.T) {
	a, b := types.StringValue("a"), types.StringValue("b")
	cases := map[string]struct {
		in   []types.String
		want types.String
	}{
		"first known":             {[]types.String{a, b}, a},
		"skips null and unknown":  {[]types.String{types.StringNull(), types.StringUnknown(), b}, b},
		"none known is null":      {[]types.String{types.StringUnknown(), types.StringNull()}, types.StringNull()},
		"nothing is null":         {nil, types.StringNull()},
		"empty string is a value": {[]types.String{types.StringValue(""), b}, types.StringValue("")},
	}
	for name, tc := range cases {
		if got := FirstKnown(tc.in...); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}
