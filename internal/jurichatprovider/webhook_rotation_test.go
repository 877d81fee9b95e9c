package jurichatprovider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
)

const patternDelete = "DELETE /jurichat/webhooks/{webhookId}"

// JuriChat has no regenerate endpoint: a change of rotate_when_changed
// replaces the webhook (new id, new secret, the old one deleted). With
// create_before_destroy the new webhook is created before the old one is
// deleted, so both exist for a moment.
func TestAccWebhook_rotateWhenChangedReplaces(t *testing.T) {
	for _, overlap := range []bool{false, true} {
		t.Run(fmt.Sprintf("create_before_destroy=%v", overlap), func(t *testing.T) {
			target := acctest.NewJuriChat(t)
			target.SkipOnReal(t, "inspects what the server received")
			name := acctest.RandomName("rotate-")
			lifecycle := ""
			action := plancheck.ResourceActionDestroyBeforeCreate
			if overlap {
				lifecycle = "  lifecycle {\n    create_before_destroy = true\n  }\n"
				action = plancheck.ResourceActionCreateBeforeDestroy
			}
			config := func(rotate string) string {
				return webhookConfig(target, fmt.Sprintf(`  name   = %q
  url    = "https://crm.example.com/jurichat"
  events = ["crm.lead.created"]
%s%s`, name, rotate, lifecycle))
			}
			compareID := statecheck.CompareValue(compare.ValuesDiffer())
			compareSecret := statecheck.CompareValue(compare.ValuesDiffer())
			var firstID string
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: config(`  rotate_when_changed = { rotation = "1" }` + "\n"),
						ConfigStateChecks: []statecheck.StateCheck{
							compareID.AddStateValue(resName, tfjsonpath.New("id")),
							compareSecret.AddStateValue(resName, tfjsonpath.New("secret")),
						},
						Check: func(s *terraform.State) error {
							var err error
							firstID, err = webhookID(s)
							return err
						},
					},
					{
						PreConfig: target.Emulator.ResetRequests,
						Config:    config(`  rotate_when_changed = { rotation = "2" }` + "\n"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(resName, action),
							plancheck.ExpectUnknownValue(resName, tfjsonpath.New("secret")),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							compareID.AddStateValue(resName, tfjsonpath.New("id")),
							compareSecret.AddStateValue(resName, tfjsonpath.New("secret")),
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							checkEmulatorSecret(target),
							func(*terraform.State) error {
								if _, ok := target.Emulator.JurichatWebhook(firstID); ok {
									return fmt.Errorf("the replaced webhook %s still exists", firstID)
								}
								var order []string
								for _, r := range target.Emulator.Requests() {
									if r.Key == patternCreate || r.Key == patternDelete {
										order = append(order, r.Method)
									}
								}
								want := "DELETE POST"
								if overlap {
									want = "POST DELETE"
								}
								if got := fmt.Sprint(order); got != "["+want+"]" {
									return fmt.Errorf("creates and deletes in order %v, want [%s]", order, want)
								}
								return nil
							},
						),
					},
					// Removing it is a change too.
					{
						Config: config(""),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(resName, action),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							compareID.AddStateValue(resName, tfjsonpath.New("id")),
						},
						Check: checkEmulatorSecret(target),
					},
					{
						Config:           config(""),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}
