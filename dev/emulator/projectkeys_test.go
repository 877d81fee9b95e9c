package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestJelouProjectKeys(t *testing.T) {
	opts := Options{JelouProjectKeys: map[string]string{"sales": "key-sales", "support": "key-support"}}
	key := func(k string) []string { return []string{"x-api-key", k} }
	tests := []struct {
		name, method, path string
		auth               []string
		want               int
	}{
		{"own key", "GET", jelouPath + "sales", key("key-sales"), http.StatusNotFound},
		{"own key, other project", "GET", jelouPath + "support", key("key-support"), http.StatusNotFound},
		{"another project's key", "GET", jelouPath + "sales", key("key-support"), http.StatusUnauthorized},
		{"another project's key on create", "POST", jelouPath + "support", key("key-sales"), http.StatusUnauthorized},
		{"another project's key on delete", "DELETE", jelouPath + "support", key("key-sales"), http.StatusUnauthorized},
		{"default key on a bound project", "GET", jelouPath + "sales", jelouKey, http.StatusUnauthorized},
		{"bound key on an unbound project", "GET", jelouPath + "other", key("key-sales"), http.StatusUnauthorized},
		{"default key on an unbound project", "GET", jelouPath + "other", jelouKey, http.StatusNotFound},
		{"unknown key", "GET", jelouPath + "sales", key("nope"), http.StatusUnauthorized},
		{"basic credentials on a bound project", "GET", jelouPath + "sales", jelouBasic, http.StatusNotFound},
		{"bound key on a route without a project", "GET", "/jelou/v2/unknown", key("key-sales"), http.StatusNotFound},
	}
	e := New(opts)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.method == "POST" {
				body = obj{"webhookUrl": "https://panel.example.com/hook"}
			}
			rec := do(t, e, tc.method, tc.path, body, tc.auth...)
			expectStatus(t, rec, tc.want)
			if tc.want == http.StatusUnauthorized {
				// The same answer as any other rejected credential: Jelou does
				// not say that the key belongs to another project.
				if got := errorMessage(t, rec); got != "Unauthorized" {
					t.Errorf("message = %q, want Unauthorized", got)
				}
			}
		})
	}
	// A refused create stores nothing.
	if _, ok := e.JelouIntegration("support"); ok {
		t.Error("a create with another project's key stored an integration")
	}
	// The caller's map is not shared: changing it later changes nothing.
	opts.JelouProjectKeys["sales"] = "changed"
	expectStatus(t, do(t, e, "GET", jelouPath+"sales", nil, key("key-sales")...), http.StatusNotFound)
}

func TestJelouProjectKeysValidate(t *testing.T) {
	tests := []struct {
		name string
		keys map[string]string
		want string // substring of the error; "" = valid
	}{
		{"none", nil, ""},
		{"two projects", map[string]string{"a": "ka", "b": "kb"}, ""},
		{"empty key", map[string]string{"a": ""}, "PROJECT=KEY"},
		{"empty project", map[string]string{"": "k"}, "PROJECT=KEY"},
		{"slash in project", map[string]string{"a/b": "k"}, "path segment"},
		{"shared key", map[string]string{"a": "k", "b": "k"}, `"a" and "b" are given the same Jelou key`},
		{"default key", map[string]string{"a": DefaultJelouAPIKey}, "equals the default Jelou API key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Options{JelouProjectKeys: tc.keys}.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate() = %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), "ka"):
				t.Fatalf("Validate() error shows a key: %v", err)
			}
		})
	}
	// A custom default key frees the built-in one for a project.
	if err := (Options{JelouAPIKey: "custom", JelouProjectKeys: map[string]string{"a": DefaultJelouAPIKey}}).Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

func TestParseProjectKey(t *testing.T) {
	for _, tc := range []struct{ in, project, key string }{
		{"sales=k1", "sales", "k1"},
		{"sales=k=with=eq", "sales", "k=with=eq"},
		{" sales =k1", "sales", "k1"},
	} {
		p, k, err := ParseProjectKey(tc.in)
		if err != nil || p != tc.project || k != tc.key {
			t.Errorf("ParseProjectKey(%q) = %q, %q, %v", tc.in, p, k, err)
		}
	}
	for _, in := range []string{"", "sales", "sales=", "=k1", "a b=k"} {
		if _, _, err := ParseProjectKey(in); err == nil {
			t.Errorf("ParseProjectKey(%q) accepted", in)
		}
	}
}
