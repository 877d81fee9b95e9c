package jurichatprovider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/acctest"
)

func TestAccFunctions_signature(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps:                    acctest.SignatureFunctionSteps("jurichat"),
	})
}
