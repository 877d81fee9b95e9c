package providerutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

var testModes = []transport.CredentialMode{
	{Name: "an API key", Sent: "sent as x-key", Fields: []string{"APIKey"}},
	{Name: "client credentials", Sent: "sent with HTTP Basic", Fields: []string{"ClientID", "ClientSecret"}},
}

func testClientSettings(t *testing.T) ClientSettings {
	t.Setenv("X_CLIENT_SECRET", "s3cr3t-from-env")
	return ClientSettings{Provider: "x", Label: "X", Fields: map[string]Setting{
		"APIKey":       {Attribute: "api_key", EnvVar: "X_API_KEY", Label: "X API Key", Config: types.StringValue("k3y-value")},
		"ClientID":     {Attribute: "client_id", EnvVar: "X_CLIENT_ID", Label: "X Client ID", Config: types.StringNull()},
		"ClientSecret": {Attribute: "client_secret", EnvVar: "X_CLIENT_SECRET", Label: "X Client Secret", Config: types.StringNull()},
		"BaseURL":      {Attribute: "base_url", EnvVar: "X_BASE_URL", Label: "X Base URL", Config: types.StringNull()},
	}}
}

// Each configuration error of a client becomes one diagnostic on the
// attribute at fault (none for missing credentials), naming where the values
// came from and what to set, and never a value.
func TestAddClientError(t *testing.T) {
	cases := map[string]struct {
		err     error
		summary string
		attr    string // "" for a diagnostic without attribute
		want    []string
	}{
		"invalid base url from the environment": {
			&transport.ConfigError{Service: "x", Problem: transport.ConfigInvalid, Field: "BaseURL", Reason: "an API base URL must use https"},
			"Invalid X Base URL", "base_url",
			[]string{"The value of the X_BASE_URL environment variable is not valid: an API base URL must use https."},
		},
		"no credentials": {
			&transport.ConfigError{Service: "x", Problem: transport.ConfigNoCredentials, Modes: testModes},
			"Missing X Credentials", "",
			[]string{"The x provider needs credentials. Set exactly one of: the api_key argument (or the X_API_KEY " +
				"environment variable), sent as x-key; or both client_id and client_secret (or the X_CLIENT_ID and " +
				"X_CLIENT_SECRET environment variables), sent with HTTP Basic."},
		},
		"conflicting credentials": {
			&transport.ConfigError{Service: "x", Problem: transport.ConfigConflictingCredentials, Field: "ClientSecret",
				Modes: testModes, Set: []string{"APIKey", "ClientSecret"}},
			"Conflicting X Credentials", "client_secret",
			[]string{"Both an API key (the api_key argument) and client credentials (the X_CLIENT_SECRET environment " +
				"variable) are set. Configure exactly one authentication mode: either api_key / X_API_KEY, or " +
				"client_id + client_secret / X_CLIENT_ID + X_CLIENT_SECRET."},
		},
		"incomplete credentials": {
			&transport.ConfigError{Service: "x", Problem: transport.ConfigIncompleteCredentials, Field: "ClientID",
				Modes: testModes, Set: []string{"ClientSecret"}},
			"Incomplete X Client Credentials", "client_id",
			[]string{"Client credentials need both client_id and client_secret, but client_id is not set. Set the " +
				"client_id argument or the X_CLIENT_ID environment variable, or use api_key / X_API_KEY instead."},
		},
		"other error": {
			errors.New("x: something else"), "Unable to Create X API Client", "",
			[]string{"The X API client could not be created: x: something else"},
		},
	}
	for name, tc := range cases {
		var diags diag.Diagnostics
		testClientSettings(t).AddClientError(&diags, tc.err)
		if len(diags) != 1 {
			t.Errorf("%s: %d diagnostics, want 1: %v", name, len(diags), diags)
			continue
		}
		d := diags[0]
		if d.Summary() != tc.summary {
			t.Errorf("%s: summary %q, want %q", name, d.Summary(), tc.summary)
		}
		withPath, ok := d.(diag.DiagnosticWithPath)
		switch {
		case tc.attr == "" && ok:
			t.Errorf("%s: diagnostic on %s, want none", name, withPath.Path())
		case tc.attr != "" && (!ok || !withPath.Path().Equal(path.Root(tc.attr))):
			t.Errorf("%s: diagnostic not on %s: %v", name, tc.attr, d)
		}
		for _, w := range tc.want {
			if !strings.Contains(d.Detail(), w) {
				t.Errorf("%s: detail lacks %q:\n%s", name, w, d.Detail())
			}
		}
		for _, secret := range []string{"k3y-value", "s3cr3t-from-env"} {
			if strings.Contains(d.Detail(), secret) {
				t.Errorf("%s: detail carries a credential value", name)
			}
		}
	}
}
