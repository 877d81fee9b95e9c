package jurichatprovider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
)

const patternGet = "GET /jurichat/webhooks/{webhookId}"

var nonEmpty = regexp.MustCompile(`^.+$`)

// TestAccWebhook_identity: the identity (id) is in state after create and
// after every kind of import; an import block with identity gives what one
// with id and terraform import give, the secret and the headers included.
func TestAccWebhook_identity(t *testing.T) {
	target := acctest.NewJuriChat(t)
	var id string
	config := webhookConfig(target, fmt.Sprintf(`
  name   = %q
  url    = "https://hooks.example.com/jurichat/identity"
  events = ["crm.lead.created"]
  headers = {
    "X-Receiver-Token" = "identity-header-credential"
  }
`, acctest.RandomName("identity-")))
	compareSecret := statecheck.CompareValue(compare.ValuesSame())

	importBlock := func(kind resource.ImportStateKind) resource.TestStep {
		return resource.TestStep{
			PreConfig:         resetRequests(target),
			ResourceName:      resName,
			ImportState:       true,
			ImportStateKind:   kind,
			ImportStateIdFunc: webhookID,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionNoop),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("url"), knownvalue.StringExact("https://hooks.example.com/jurichat/identity")),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("headers"), knownvalue.MapSizeExact(1)),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("secret"), knownvalue.StringRegexp(nonEmpty)),
				acctest.PlanCheckFunc(func() error { return checkRead(target, id) }),
			}},
		}
	}
	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureIdentity),
		CheckDestroy:             checkNoWebhook(target, &id),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(resName, map[string]knownvalue.Check{"id": knownvalue.StringRegexp(nonEmpty)}),
					statecheck.ExpectIdentityValueMatchesState(resName, tfjsonpath.New("id")),
					compareSecret.AddStateValue(resName, tfjsonpath.New("secret")),
				},
				Check: recordID(&id),
			},
			importBlock(resource.ImportBlockWithResourceIdentity),
			importBlock(resource.ImportBlockWithID),
			{
				PreConfig:         resetRequests(target),
				ResourceName:      resName,
				ImportState:       true,
				ImportStateIdFunc: webhookID,
				ImportStateVerify: true,
				ImportStateCheck:  func([]*terraform.InstanceState) error { return checkRead(target, id) },
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(resName, tfjsonpath.New("id")),
					compareSecret.AddStateValue(resName, tfjsonpath.New("secret")),
				},
			},
		},
	})
}

// TestAccWebhook_identityImportErrors: an identity that is not a webhook id
// is refused, naming it; one of a webhook that does not exist says so.
func TestAccWebhook_identityImportErrors(t *testing.T) {
	target := acctest.NewJuriChat(t)
	importConfig := func(identity string) string {
		return target.ProviderConfig + fmt.Sprintf(`
import {
  to       = jurichat_webhook.test
  identity = { id = %q }
}

resource "jurichat_webhook" "test" {
  name   = "imported"
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
}
`, identity)
	}
	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureIdentity),
		Steps: []resource.TestStep{
			{
				Config:      importConfig("a/b"),
				PlanOnly:    true,
				ExpectError: acctest.ErrorPattern(`Invalid Import ID.*identity id "a/b" is not a webhook id`),
			},
			{
				Config:      importConfig("3f2a9c1e-0000-4000-8000-000000000000"),
				PlanOnly:    true,
				ExpectError: acctest.ErrorPattern(`Cannot import non-existent remote object`),
			},
		},
	})
}

// checkRead checks that an import read the webhook from the server.
func checkRead(target *acctest.JuriChat, id string) error {
	if target.Emulator == nil {
		return nil
	}
	for _, r := range target.Emulator.Requests() {
		if r.Key == patternGet && r.Path == "/jurichat/webhooks/"+id {
			return nil
		}
	}
	return fmt.Errorf("the import sent no GET for webhook %s to the server", id)
}
