package transport

import (
	"errors"
	"strings"
	"testing"
)

var modes = []CredentialMode{
	{Name: "an API key", Fields: []string{"APIKey"}},
	{Name: "client credentials", Fields: []string{"ClientID", "ClientSecret"}},
}

func TestChooseCredentials(t *testing.T) {
	cases := map[string]struct {
		values  map[string]string
		mode    int
		problem ConfigProblem
		field   string
		text    string
	}{
		"api key":            {map[string]string{"APIKey": "k3y-value"}, 0, 0, "", ""},
		"client credentials": {map[string]string{"ClientID": "cl1ent-id", "ClientSecret": "s3cr3t"}, 1, 0, "", ""},
		"none":               {map[string]string{"APIKey": " \t"}, -1, ConfigNoCredentials, "", "x: no credentials: set APIKey, or ClientID and ClientSecret"},
		"both": {map[string]string{"APIKey": "k3y-value", "ClientSecret": "s3cr3t"}, -1, ConfigConflictingCredentials,
			"ClientSecret", "x: configure either APIKey or ClientID and ClientSecret, not both"},
		"secret only": {map[string]string{"ClientSecret": "s3cr3t"}, -1, ConfigIncompleteCredentials, "ClientID",
			"x: ClientID and ClientSecret must be set together"},
		"control characters": {map[string]string{"ClientID": "cl1ent-id", "ClientSecret": "s3cr3t\n"}, -1, ConfigInvalid,
			"ClientSecret", "x: invalid ClientSecret: it must not contain control characters"},
	}
	for name, tc := range cases {
		mode, err := ChooseCredentials("x", modes, func(f string) string { return tc.values[f] })
		if mode != tc.mode {
			t.Errorf("%s: mode %d, want %d", name, mode, tc.mode)
		}
		if tc.problem == 0 {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		var cfgErr *ConfigError
		if !errors.As(err, &cfgErr) || cfgErr.Problem != tc.problem || cfgErr.Field != tc.field {
			t.Errorf("%s: err = %#v, want problem %d on %q", name, err, tc.problem, tc.field)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.text) {
			t.Errorf("%s: %q, want it to start %q", name, err.Error(), tc.text)
		}
		for _, v := range tc.values {
			if strings.TrimSpace(v) != "" && strings.Contains(err.Error(), strings.TrimSpace(v)) {
				t.Errorf("%s: the error repeats a value", name)
			}
		}
	}
}

func TestNewRequester(t *testing.T) {
	r, err := NewRequester(ClientOptions{Service: "X", BaseURL: "http://127.0.0.1:1/x", DefaultUserAgent: "x-client"})
	if err != nil {
		t.Fatal(err)
	}
	if r.UserAgent != "x-client" || r.HTTPClient == nil || r.BaseURL.Path != "/x" || r.Service != "X" {
		t.Errorf("requester = %+v", r)
	}
	_, err = NewRequester(ClientOptions{Service: "X", BaseURL: "http://api.example.com"})
	var cfgErr *ConfigError
	if !errors.As(err, &cfgErr) || cfgErr.Field != "BaseURL" || cfgErr.Problem != ConfigInvalid ||
		!strings.HasPrefix(err.Error(), "x: invalid BaseURL: an API base URL must use https") {
		t.Errorf("plain http to a remote host: %v", err)
	}
}
