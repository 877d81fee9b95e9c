package acctest

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Feature is a CLI capability some tests need. Terraform and OpenTofu gained
// them in different versions, so a plain tfversion.SkipBelow cannot gate them
// for both products. A nil version means that product has no release with the
// feature yet.
type Feature struct {
	Name      string
	Terraform *version.Version
	OpenTofu  *version.Version
}

// Features of the CLI the acceptance tests use, with the first version of
// each product that has them. The provider docs' requirement tables say the same.
var (
	FeatureFunctions = Feature{"provider-defined functions", version.Must(version.NewVersion("1.8.0")), version.Must(version.NewVersion("1.7.0"))}
	FeatureEphemeral = Feature{"ephemeral resources", version.Must(version.NewVersion("1.10.0")), version.Must(version.NewVersion("1.11.0"))}
	FeatureWriteOnly = Feature{"write-only arguments", version.Must(version.NewVersion("1.11.0")), version.Must(version.NewVersion("1.11.0"))}
	// Resource identity: import blocks with identity = { ... }, identities in state.
	FeatureIdentity = Feature{"resource identity", version.Must(version.NewVersion("1.12.0")), version.Must(version.NewVersion("1.12.0"))}
	// List resources: terraform query and .tfquery.hcl files (OpenTofu 1.12 has neither).
	FeatureListResources = Feature{"list resources (terraform query)", version.Must(version.NewVersion("1.14.0")), nil}
	// Actions: action blocks, terraform apply -invoke and action_trigger (not in OpenTofu 1.12).
	FeatureActions = Feature{"actions", version.Must(version.NewVersion("1.14.0")), nil}
	// Mock providers in test files: mock_provider, mock_resource, override_resource.
	FeatureMockProvider = Feature{"mock providers in terraform test", version.Must(version.NewVersion("1.7.0")), version.Must(version.NewVersion("1.8.0"))}
	// FeatureProviderForEach is for_each on provider blocks, and .tofu files:
	// OpenTofu only.
	FeatureProviderForEach = Feature{"for_each on provider blocks", nil, version.Must(version.NewVersion("1.9.0"))}
)

// Has reports whether the CLI running the tests has the feature.
func Has(f Feature) bool {
	c := FindCLI()
	if c.Version == nil {
		return false
	}
	return f.lacking(c.Product, c.Version) == ""
}

// Lacks returns why the CLI running the tests (FindCLI) lacks the feature,
// or "" when it has it: the gate of tests that run the CLI themselves rather
// than through terraform-plugin-testing.
func Lacks(f Feature) string {
	c := FindCLI()
	if c.Version == nil {
		return ""
	}
	return f.lacking(c.Product, c.Version)
}

// lacking returns why version v of product ("terraform" or "tofu") lacks the
// feature, or "" when it has it.
func (f Feature) lacking(product string, v *version.Version) string {
	name, minimum := "Terraform", f.Terraform
	if product == "tofu" {
		name, minimum = "OpenTofu", f.OpenTofu
	}
	if minimum == nil {
		return fmt.Sprintf("%s %s lacks %s (no %s release has it)", name, v, f.Name, name)
	}
	// Compare the release (core) version, so that prereleases of a version count as that version.
	if v.Core().LessThan(minimum) {
		return fmt.Sprintf("%s %s lacks %s (needs %s or later)", name, v, f.Name, minimum)
	}
	return ""
}

// SkipWithout skips a test when the CLI running it lacks the feature: the
// version check is per product (Terraform or OpenTofu), not a single number.
func SkipWithout(f Feature) []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{featureCheck{f}}
}

type featureCheck struct{ feature Feature }

func (c featureCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if req.TerraformVersion == nil {
		return
	}
	resp.Skip = c.feature.lacking(FindCLI().Product, req.TerraformVersion)
}

// SkipUnless skips a test that drives the CLI itself (outside
// terraform-plugin-testing) when the CLI lacks the feature.
func SkipUnless(t *testing.T, f Feature) {
	t.Helper()
	PreCheck(t)
	c := FindCLI()
	if why := f.lacking(c.Product, c.Version); why != "" {
		t.Skip(why)
	}
}
