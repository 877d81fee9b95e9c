package acctest

import (
	"context"
	"fmt"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Feature is a CLI capability some tests need. Terraform and OpenTofu gained
// them in different versions, so a plain tfversion.SkipBelow cannot gate them
// for both products.
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
)

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
	product, minimum := "Terraform", c.feature.Terraform
	if FindCLI().Product == "tofu" {
		product, minimum = "OpenTofu", c.feature.OpenTofu
	}
	// Compare the release (core) version, so that prereleases of a version count as that version.
	if req.TerraformVersion.Core().LessThan(minimum) {
		resp.Skip = fmt.Sprintf("%s %s lacks %s (needs %s or later)", product, req.TerraformVersion, c.feature.Name, minimum)
	}
}
