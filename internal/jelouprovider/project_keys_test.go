package jelouprovider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// Jelou API keys belong to one project. Against an emulator that binds a key
// to each of two projects, a provider configuration that sends one project's
// key to the other fails, naming the project and the provider configuration's
// credential settings, for a create, a refresh and a data source, and nothing
// is lost from state on the way.
//
// One provider configuration per test step: terraform-plugin-testing serves
// every configuration of an in-process provider from one server, so provider
// aliases with different keys are tested with built providers instead, in
// dev/systemtest/guidetest (the guide "Several Jelou projects").
func TestAccExternalSupport_projectKeys(t *testing.T) {
	sales, support := acctest.RandomName("sales-"), acctest.RandomName("support-")
	keys := map[string]string{sales: acctest.RandomName("key-sales-"), support: acctest.RandomName("key-support-")}
	target := acctest.NewJelou(t, func(o *emulator.Options) { o.JelouProjectKeys = keys })
	target.SkipOnReal(t, "needs two projects, each with its own key")
	srv := target.Emulator
	config := func(key, project, extra string) string {
		return acctest.Requirements("jelou") + fmt.Sprintf(`
provider "jelou" {
  base_url = %q
  api_key  = %q
}

resource "jelou_external_support" "test" {
  project_id  = %q
  webhook_url = "https://support.example.com/jelou"
}
`, srv.JelouURL(), key, project) + extra
	}
	hint := func(project string) string {
		return fmt.Sprintf(`HTTP 401 Unauthorized.*api_key \(JELOU_API_KEY\).*client_id and client_secret `+
			`\(JELOU_CLIENT_ID, JELOU_CLIENT_SECRET\).*Jelou refused the credentials for project "%s".*belongs to one project.*`+
			`Several Jelou projects`, project)
	}
	dataSource := fmt.Sprintf(`
data "jelou_external_support" "other" {
  project_id = %q
  depends_on = [jelou_external_support.test]
}
`, support)

	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(srv.JelouIntegrations()); n != 0 {
				return fmt.Errorf("%d integrations left on the server", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// The sales project's key, for the support project: refused.
				Config:      config(keys[sales], support, ""),
				ExpectError: acctest.ErrorPattern(`Error Creating Jelou External Support Integration.*` + hint(support)),
			},
			{
				Config: config(keys[sales], sales, ""),
				Check: func(*terraform.State) error {
					return checkLastCreateKey(srv, sales, keys[sales], support, keys[sales])
				},
			},
			{
				// The integration is refreshed with the other project's key.
				Config:      config(keys[support], sales, ""),
				ExpectError: acctest.ErrorPattern(`Error Reading Jelou External Support Integration.*` + hint(sales)),
			},
			{
				// A data source reads the support project with the sales key.
				Config:      config(keys[sales], sales, dataSource),
				ExpectError: acctest.ErrorPattern(`Error Reading Jelou External Support Integration.*` + hint(support)),
			},
			{
				// The integration is still in state and on the server, unchanged.
				Config: config(keys[sales], sales, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					acctest.CheckAttrEquals(resName, "signing_secret", serverSecret(target, sales)),
					func(*terraform.State) error {
						if _, ok := srv.JelouIntegration(support); ok {
							return fmt.Errorf("project %s has an integration: a create with another project's key was stored", support)
						}
						return nil
					},
				),
			},
		},
	})
}

// checkLastCreateKey fails unless the last create the emulator received for
// each project carried the key given for it. Keys never appear in the message.
func checkLastCreateKey(srv *emulator.Server, projectKeys ...string) error {
	last := map[string]string{}
	for _, r := range srv.Requests() {
		if r.Method == "POST" {
			last[strings.TrimPrefix(r.Path, "/jelou/v1/external-support/")] = r.Header.Get("x-api-key")
		}
	}
	for i := 0; i+1 < len(projectKeys); i += 2 {
		if project, key := projectKeys[i], projectKeys[i+1]; last[project] != key {
			return fmt.Errorf("the last create for project %s did not carry the expected key", project)
		}
	}
	return nil
}
