package validation

import "testing"

func TestHeaderName(t *testing.T) {
	for name, want := range map[string]bool{
		"X-Tenant":          true,
		"x_custom.id":       true,
		"A1!#$%&'*+-.^_`|~": true,
		"":                  false,
		"X Tenant":          false,
		"X-Tenant:":         false,
		"Ümlaut":            false,
		"X-\r\nInjected":    false,
		"(comment)":         false,
		"a/b":               false,
	} {
		if got := HeaderName(name); got != want {
			t.Errorf("HeaderName(%q) = %v, want %v", name, got, want)
		}
	}
}
