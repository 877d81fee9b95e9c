package jurichatprovider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
)

func TestAccFunctions_signature(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureFunctions),
		Steps:                    acctest.SignatureFunctionSteps("jurichat"),
	})
}
