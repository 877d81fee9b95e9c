package jurichatprovider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

const providerTestResource = `
resource "jurichat_webhook" "test" {
  name   = "provider configuration test"
  url    = "https://hooks.example.com/jurichat"
  events = ["crm.lead.created"]
}
`

// Provider configuration errors are clear and name the attributes and
// environment variables to fix.
func TestAccProvider_configurationErrors(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "the real-API environment variables would satisfy the provider")
	url := target.Emulator.JurichatURL()
	cases := map[string]struct {
		provider string
		want     string
	}{
		"no credentials": {
			fmt.Sprintf(`provider "jurichat" { base_url = %q }`, url),
			`Missing JuriChat Credentials.*token.*JURICHAT_TOKEN.*api_key.*JURICHAT_API_KEY`,
		},
		"token and api key": {
			fmt.Sprintf(`provider "jurichat" {
  base_url = %q
  token    = "t"
  api_key  = "k"
}`, url),
			`Invalid Attribute Combination.*"api_key" cannot be specified when "token" is specified`,
		},
		"empty token": {
			fmt.Sprintf(`provider "jurichat" {
  base_url = %q
  token    = ""
}`, url),
			`token.*at least 1`,
		},
		"plain http to a remote host": {
			`provider "jurichat" {
  base_url = "http://api.jurichat.com"
  token    = "t"
}`,
			`base_url.*plain http is only accepted for loopback hosts`,
		},
		"base url with a query": {
			`provider "jurichat" {
  base_url = "https://api.jurichat.com?x=1"
  token    = "t"
}`,
			`base_url.*query string`,
		},
		"token unknown at configure time": {
			fmt.Sprintf(`resource "terraform_data" "token" { input = "t" }
provider "jurichat" {
  base_url = %q
  token    = terraform_data.token.output
}`, url),
			`Unknown JuriChat Token.*token.*JURICHAT_TOKEN`,
		},
		"base url unknown at configure time": {
			`resource "terraform_data" "url" { input = "https://api.jurichat.com" }
provider "jurichat" {
  base_url = terraform_data.url.output
  token    = "t"
}`,
			`Unknown JuriChat Base URL.*base_url.*JURICHAT_BASE_URL`,
		},
		"empty api key": {
			fmt.Sprintf(`provider "jurichat" {
  base_url = %q
  api_key  = ""
}`, url),
			`api_key.*at least 1`,
		},
		"empty base url": {
			`provider "jurichat" {
  base_url = ""
  token    = "t"
}`,
			`base_url.*must not be empty`,
		},
		"base url with white space": {
			`provider "jurichat" {
  base_url = " https://api.jurichat.com"
  token    = "t"
}`,
			`base_url.*white space`,
		},
		"relative base url": {
			`provider "jurichat" {
  base_url = "api.jurichat.com"
  token    = "t"
}`,
			`base_url.*absolute`,
		},
		"base url with credentials": {
			`provider "jurichat" {
  base_url = "https://u:p@api.jurichat.com"
  token    = "t"
}`,
			`base_url.*user:password`,
		},
		"ftp base url": {
			`provider "jurichat" {
  base_url = "ftp://api.jurichat.com"
  token    = "t"
}`,
			`base_url.*https scheme`,
		},
		"base url with a fragment": {
			`provider "jurichat" {
  base_url = "https://api.jurichat.com#v1"
  token    = "t"
}`,
			`base_url.*fragment`,
		},
		"api key unknown at configure time": {
			fmt.Sprintf(`resource "terraform_data" "key" { input = "k" }
provider "jurichat" {
  base_url = %q
  api_key  = terraform_data.key.output
}`, url),
			`Unknown JuriChat API Key.*api_key.*JURICHAT_API_KEY`,
		},
		"max retries unknown at configure time": {
			fmt.Sprintf(`resource "terraform_data" "retries" { input = 2 }
provider "jurichat" {
  base_url    = %q
  token       = "t"
  max_retries = terraform_data.retries.output
}`, url),
			`Unknown JuriChat Max Retries.*max_retries.*JURICHAT_MAX_RETRIES`,
		},
		"request timeout unknown at configure time": {
			fmt.Sprintf(`resource "terraform_data" "timeout" { input = "30s" }
provider "jurichat" {
  base_url        = %q
  token           = "t"
  request_timeout = terraform_data.timeout.output
}`, url),
			`Unknown JuriChat Request Timeout.*request_timeout.*JURICHAT_REQUEST_TIMEOUT`,
		},
		"rejected token": {
			fmt.Sprintf(`provider "jurichat" {
  base_url = %q
  token    = "not-the-right-token"
}`, url),
			// The plan fails already: the catalogue refuses the token.
			`Error Reading JuriChat Event Catalogue.*HTTP 401.*credentials.*token \(JURICHAT_TOKEN\)`,
		},
		"rejected api key": {
			fmt.Sprintf(`provider "jurichat" {
  base_url = %q
  api_key  = "not-the-right-key"
}`, url),
			`Error Reading JuriChat Event Catalogue.*HTTP 401.*credentials.*api_key \(JURICHAT_API_KEY\)`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      acctest.Requirements("jurichat") + tc.provider + "\n" + providerTestResource,
					ExpectError: acctest.ErrorPattern(tc.want),
				}},
			})
		})
	}
}

// The provider falls back to the environment: JURICHAT_API_KEY is sent as
// x-jurichat-api-key (and nothing as Authorization), JURICHAT_BASE_URL
// picks the server. Not parallel: it sets environment variables.
func TestAccProvider_environment(t *testing.T) {
	target := acctest.NewJuriChat(t)
	target.SkipOnReal(t, "sets the JuriChat environment variables")
	t.Setenv(EnvBaseURL, target.Emulator.JurichatURL())
	t.Setenv(EnvAPIKey, emulator.DefaultJurichatAPIKey)
	t.Setenv(EnvToken, "")

	t.Run("api key from the environment", func(t *testing.T) {
		acctest.Run(t, true, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             checkNoWebhooks(target),
			Steps: []resource.TestStep{{
				Config: acctest.Requirements("jurichat") + `provider "jurichat" {}` + "\n" + providerTestResource,
				Check: func(*terraform.State) error {
					reqs := target.Emulator.Requests()
					if len(reqs) == 0 {
						return fmt.Errorf("the server received no request")
					}
					for _, r := range reqs {
						if r.Header.Get("x-jurichat-api-key") == "" || r.Header.Get("Authorization") != "" {
							return fmt.Errorf("%s %s was not authenticated with x-jurichat-api-key alone", r.Method, r.Path)
						}
					}
					return nil
				},
			}},
		})
	})
	// A token argument and an API key from the environment conflict, and the
	// message says where each came from.
	t.Run("token argument and api key from the environment", func(t *testing.T) {
		acctest.Run(t, true, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      acctest.Requirements("jurichat") + `provider "jurichat" { token = "t" }` + "\n" + providerTestResource,
				PlanOnly:    true,
				ExpectError: acctest.ErrorPattern(`Conflicting JuriChat Credentials.*the token argument.*the JURICHAT_API_KEY environment variable`),
			}},
		})
	})
}

// checkNoWebhooks checks that the server holds no webhook (emulator only).
func checkNoWebhooks(target *acctest.JuriChat) resource.TestCheckFunc {
	return func(*terraform.State) error {
		hooks, err := target.Client.ListWebhooks(context.Background())
		if err != nil {
			return err
		}
		if len(hooks) != 0 {
			return fmt.Errorf("the server still holds %d webhooks after destroy", len(hooks))
		}
		return nil
	}
}
