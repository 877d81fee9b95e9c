package jelouprovider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// Provider configuration errors are clear and name the attributes and
// environment variables to fix.
func TestAccProvider_configurationErrors(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "the real-API environment variables would satisfy the provider")
	url := target.Emulator.JelouURL()
	resourceBlock := `
resource "jelou_external_support" "test" {
  project_id  = "p1"
  webhook_url = "https://support.example.com/jelou"
}
`
	cases := map[string]struct {
		provider string
		want     string
	}{
		"no credentials": {
			fmt.Sprintf(`provider "jelou" { base_url = %q }`, url),
			`Missing Jelou Credentials.*api_key.*JELOU_API_KEY.*client_id.*client_secret`,
		},
		"api key and client credentials": {
			fmt.Sprintf(`provider "jelou" {
  base_url  = %q
  api_key   = "k"
  client_id = "c"
}`, url),
			`Invalid Attribute Combination.*"client_id" cannot be specified when "api_key" is specified`,
		},
		"client id without secret": {
			fmt.Sprintf(`provider "jelou" {
  base_url  = %q
  client_id = "c"
}`, url),
			`Incomplete Jelou Client Credentials.*client_secret.*JELOU_CLIENT_SECRET`,
		},
		"plain http to a remote host": {
			`provider "jelou" {
  base_url = "http://gateway.example.com/platform"
  api_key  = "k"
}`,
			`base_url.*plain http is only accepted for loopback hosts`,
		},
		"credential unknown at configure time": {
			fmt.Sprintf(`resource "terraform_data" "key" { input = "k" }
provider "jelou" {
  base_url = %q
  api_key  = terraform_data.key.output
}`, url),
			`Unknown Jelou API Key.*api_key.*JELOU_API_KEY`,
		},
		"client secret without id": {
			fmt.Sprintf(`provider "jelou" {
  base_url      = %q
  client_secret = "s"
}`, url),
			`Incomplete Jelou Client Credentials.*client_id.*JELOU_CLIENT_ID`,
		},
		"api key and client secret": {
			fmt.Sprintf(`provider "jelou" {
  base_url      = %q
  api_key       = "k"
  client_secret = "s"
}`, url),
			`Invalid Attribute Combination.*"client_secret" cannot be specified when "api_key" is specified`,
		},
		"empty api key": {
			fmt.Sprintf(`provider "jelou" {
  base_url = %q
  api_key  = ""
}`, url),
			`api_key.*at least 1`,
		},
		"empty client id": {
			fmt.Sprintf(`provider "jelou" {
  base_url      = %q
  client_id     = ""
  client_secret = "s"
}`, url),
			`client_id.*at least 1`,
		},
		"empty client secret": {
			fmt.Sprintf(`provider "jelou" {
  base_url      = %q
  client_id     = "c"
  client_secret = ""
}`, url),
			`client_secret.*at least 1`,
		},
		"empty base url": {
			`provider "jelou" {
  base_url = ""
  api_key  = "k"
}`,
			`base_url.*must not be empty`,
		},
		"base url with white space": {
			`provider "jelou" {
  base_url = "https://gateway.jelou.ai/platform "
  api_key  = "k"
}`,
			`base_url.*white space`,
		},
		"relative base url": {
			`provider "jelou" {
  base_url = "/platform"
  api_key  = "k"
}`,
			`base_url.*absolute`,
		},
		"base url with credentials": {
			`provider "jelou" {
  base_url = "https://u:p@gateway.jelou.ai/platform"
  api_key  = "k"
}`,
			`base_url.*user:password`,
		},
		"ftp base url": {
			`provider "jelou" {
  base_url = "ftp://gateway.jelou.ai/platform"
  api_key  = "k"
}`,
			`base_url.*https scheme`,
		},
		"base url with a query": {
			`provider "jelou" {
  base_url = "https://gateway.jelou.ai/platform?x=1"
  api_key  = "k"
}`,
			`base_url.*query string`,
		},
		"client id unknown at configure time": {
			fmt.Sprintf(`resource "terraform_data" "id" { input = "c" }
provider "jelou" {
  base_url      = %q
  client_id     = terraform_data.id.output
  client_secret = "s"
}`, url),
			`Unknown Jelou Client ID.*client_id.*JELOU_CLIENT_ID`,
		},
		"client secret unknown at configure time": {
			fmt.Sprintf(`resource "terraform_data" "secret" { input = "s" }
provider "jelou" {
  base_url      = %q
  client_id     = "c"
  client_secret = terraform_data.secret.output
}`, url),
			`Unknown Jelou Client Secret.*client_secret.*JELOU_CLIENT_SECRET`,
		},
		"base url unknown at configure time": {
			`resource "terraform_data" "url" { input = "https://gateway.jelou.ai/platform" }
provider "jelou" {
  base_url = terraform_data.url.output
  api_key  = "k"
}`,
			`Unknown Jelou Base URL.*base_url.*JELOU_BASE_URL`,
		},
		"max retries unknown at configure time": {
			fmt.Sprintf(`resource "terraform_data" "retries" { input = 2 }
provider "jelou" {
  base_url    = %q
  api_key     = "k"
  max_retries = terraform_data.retries.output
}`, url),
			`Unknown Jelou Max Retries.*max_retries.*JELOU_MAX_RETRIES`,
		},
		"request timeout unknown at configure time": {
			fmt.Sprintf(`resource "terraform_data" "timeout" { input = "30s" }
provider "jelou" {
  base_url        = %q
  api_key         = "k"
  request_timeout = terraform_data.timeout.output
}`, url),
			`Unknown Jelou Request Timeout.*request_timeout.*JELOU_REQUEST_TIMEOUT`,
		},
		"rejected credentials": {
			fmt.Sprintf(`provider "jelou" {
  base_url = %q
  api_key  = "not-the-right-key"
}`, url),
			`Error Creating Jelou External Support Integration.*HTTP 401.*credentials.*api_key \(JELOU_API_KEY\).*client_id and client_secret \(JELOU_CLIENT_ID, JELOU_CLIENT_SECRET\).*credentials for project "p1"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acctest.Run(t, false, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      acctest.Requirements("jelou") + tc.provider + "\n" + resourceBlock,
					ExpectError: acctest.ErrorPattern(tc.want),
				}},
			})
		})
	}
}

// A base_url whose path is wrong (here it ends with /v1, which the provider adds) gets the API's "Cannot GET /…" 404, which
// says nothing about the integration: the error says to check base_url and
// shows the URL path the provider called (never a query string or a
// header), where the mistake shows.
func TestAccProvider_wrongBaseURLShowsPathCalled(t *testing.T) {
	target := acctest.NewJelou(t)
	target.SkipOnReal(t, "needs a base URL with a wrong path on the emulator's host")
	projectID := target.ProjectID()
	config := acctest.Requirements("jelou") + fmt.Sprintf(`
provider "jelou" {
  base_url    = %q
  api_key     = %q
  max_retries = 0
}

data "jelou_external_support" "test" {
  project_id = %q
}
`, target.Emulator.JelouURL()+"/v1", emulator.DefaultJelouAPIKey, projectID)
	acctest.Run(t, false, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: acctest.ErrorPattern(`HTTP 404 Not Found.*no such route.*Check that base_url \(JELOU_BASE_URL; default ` +
				`https://gateway.jelou.ai/platform\) points at the API: the provider called GET /jelou/v1/v1/external-support/` +
				regexp.QuoteMeta(projectID) + `\.`),
		}},
	})
}
