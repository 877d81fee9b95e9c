package jelouprovider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
)

func TestAccExternalSupportDataSource(t *testing.T) {
	target := acctest.NewJelou(t)
	projectID := target.ProjectID()
	const ds = "data.jelou_external_support.test"
	config := integrationConfig(target, projectID, `
  webhook_url   = "https://support.example.com/jelou"
  auth_type     = "api_key"
  authorization = "data-source-test-credential"
`) + `
data "jelou_external_support" "test" {
  project_id = jelou_external_support.test.project_id
}
`
	same := func(attr string) statecheck.StateCheck {
		return statecheck.CompareValuePairs(resName, tfjsonpath.New(attr), ds, tfjsonpath.New(attr), compare.ValuesSame())
	}

	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					same("id"), same("brain_id"), same("webhook_url"), same("auth_type"), same("created_at"),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("webhook_url"), knownvalue.StringExact("https://support.example.com/jelou")),
				},
				// The data source carries no secret and no credential.
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(ds, "signing_secret"),
					resource.TestCheckNoResourceAttr(ds, "authorization"),
				),
			},
		},
	})
}

func TestAccExternalSupportDataSource_notFound(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "needs a project without an integration")
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: target.ProviderConfig + fmt.Sprintf(`
data "jelou_external_support" "test" {
  project_id = %q
}
`, target.ProjectID()),
			ExpectError: acctest.ErrorPattern(`HTTP 404.*has no external support integration`),
		}},
	})
}
