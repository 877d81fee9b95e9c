package jelouprovider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/acctest"
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
			`api_key.*client_id`,
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
		"rejected credentials": {
			fmt.Sprintf(`provider "jelou" {
  base_url = %q
  api_key  = "not-the-right-key"
}`, url),
			`Error Creating Jelou External Support Integration.*HTTP 401.*credentials`,
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
