package jelouprovider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
)

const patternGet = "GET /jelou/v1/external-support/{projectId}"

// TestAccExternalSupport_identity: the identity (project_id) is in state after
// create and after every kind of import, and an import block with identity
// gives the same state as one with id and as terraform import.
func TestAccExternalSupport_identity(t *testing.T) {
	target := acctest.NewJelou(t)
	projectID := target.ProjectID()
	config := integrationConfig(target, projectID, `
  webhook_url = "https://support.example.com/jelou/identity"
`)
	identity := map[string]knownvalue.Check{"project_id": knownvalue.StringExact(projectID)}
	// A plannable import (import block) must plan the same values as the
	// import command, read from the server, with nothing to change.
	importBlock := func(kind resource.ImportStateKind) resource.TestStep {
		return resource.TestStep{
			PreConfig:       resetRequests(target),
			ResourceName:    resName,
			ImportState:     true,
			ImportStateKind: kind,
			ImportStateId:   projectID,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resName, plancheck.ResourceActionNoop),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("project_id"), knownvalue.StringExact(projectID)),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("webhook_url"), knownvalue.StringExact("https://support.example.com/jelou/identity")),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("auth_type"), knownvalue.StringExact("no_auth")),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("brain_id"), knownvalue.StringExact(projectID)),
				plancheck.ExpectKnownValue(resName, tfjsonpath.New("signing_secret"), knownvalue.Null()),
				acctest.PlanCheckFunc(func() error { return checkRead(target, projectID) }),
			}},
		}
	}
	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureIdentity),
		CheckDestroy:             checkNoIntegration(target, projectID),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(resName, identity),
					statecheck.ExpectIdentityValueMatchesState(resName, tfjsonpath.New("project_id")),
				},
			},
			importBlock(resource.ImportBlockWithResourceIdentity),
			importBlock(resource.ImportBlockWithID),
			{
				PreConfig:                            resetRequests(target),
				ResourceName:                         resName,
				ImportState:                          true,
				ImportStateId:                        projectID,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "project_id",
				ImportStateVerifyIgnore:              []string{"signing_secret"},
				ImportStateCheck: func([]*terraform.InstanceState) error {
					return checkRead(target, projectID)
				},
			},
			// A plan after refresh changes nothing and keeps the identity.
			{
				Config:            config,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(resName, identity)},
			},
		},
	})
}

// TestAccExternalSupport_identityImportErrors: an identity that is not a
// project id is refused before any request, naming it.
func TestAccExternalSupport_identityImportErrors(t *testing.T) {
	target := acctest.NewJelou(t)
	acctest.Run(t, target.Real(), resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   acctest.SkipWithout(acctest.FeatureIdentity),
		Steps: []resource.TestStep{{
			Config: target.ProviderConfig + `
import {
  to       = jelou_external_support.test
  identity = { project_id = "a/b" }
}

resource "jelou_external_support" "test" {
  project_id  = "a-b"
  webhook_url = "https://support.example.com/jelou"
}
`,
			PlanOnly:    true,
			ExpectError: acctest.ErrorPattern(`Invalid Import ID.*identity project_id "a/b" is not a valid project id`),
		}},
	})
}

func resetRequests(target *acctest.Jelou) func() {
	return func() {
		if target.Emulator != nil {
			target.Emulator.ResetRequests()
		}
	}
}

// checkRead checks that the import read the integration from the server.
func checkRead(target *acctest.Jelou, projectID string) error {
	if target.Emulator == nil {
		return nil
	}
	for _, r := range target.Emulator.Requests() {
		if r.Key == patternGet && r.Path == "/jelou/v1/external-support/"+projectID {
			return nil
		}
	}
	return fmt.Errorf("the import sent no GET for project %q to the server", projectID)
}
