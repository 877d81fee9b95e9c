package acctest

import (
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

func TestFeatureLacking(t *testing.T) {
	v := func(s string) *version.Version { return version.Must(version.NewVersion(s)) }
	tests := []struct {
		feature Feature
		product string
		version string
		want    string // substring of the reason; "" = has it
	}{
		{FeatureEphemeral, "terraform", "1.10.0", ""},
		{FeatureEphemeral, "terraform", "1.9.8", "needs 1.10.0 or later"},
		{FeatureEphemeral, "tofu", "1.10.0", "OpenTofu 1.10.0 lacks ephemeral resources (needs 1.11.0"},
		{FeatureEphemeral, "tofu", "1.11.0-rc1", ""},
		{FeatureMockProvider, "terraform", "1.7.0", ""},
		{FeatureMockProvider, "tofu", "1.7.3", "OpenTofu 1.7.3 lacks mock providers in terraform test (needs 1.8.0"},
		{FeatureProviderForEach, "tofu", "1.9.0", ""},
		{FeatureProviderForEach, "tofu", "1.8.5", "needs 1.9.0"},
		{FeatureProviderForEach, "terraform", "1.16.4", "no Terraform release has it"},
	}
	for _, tc := range tests {
		got := tc.feature.lacking(tc.product, v(tc.version))
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s on %s %s: %q, want %q", tc.feature.Name, tc.product, tc.version, got, tc.want)
		}
	}
}
