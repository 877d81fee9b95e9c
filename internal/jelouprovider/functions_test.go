package jelouprovider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/acctest"
)

// Known vector: printf '%s' '{"event_type":"message"}' | openssl dgst -sha256 -hmac 'test-secret'
const (
	vectorSecret = "test-secret"
	vectorBody   = `{"event_type":"message"}`
	vectorHeader = "sha256=85de6c27eaae3f141517672182c45e6ee7c0100ead5b08b9d437ec8c24c2bc62"
)

func TestAccFunctions_signature(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{{
			Config: acctest.Requirements("jelou") + `
locals {
  secret = "` + vectorSecret + `"
  body   = jsonencode({ event_type = "message" })
}

output "signature" {
  value = provider::jelou::signature(local.secret, local.body)
}

output "valid" {
  value = provider::jelou::verify_signature(local.secret, local.body, provider::jelou::signature(local.secret, local.body))
}

output "known_vector" {
  value = provider::jelou::verify_signature(local.secret, local.body, "` + vectorHeader + `")
}

output "tampered" {
  value = provider::jelou::verify_signature(local.secret, "${local.body} ", provider::jelou::signature(local.secret, local.body))
}

output "wrong_secret" {
  value = provider::jelou::verify_signature("other", local.body, provider::jelou::signature(local.secret, local.body))
}

output "malformed" {
  value = provider::jelou::verify_signature(local.secret, local.body, "md5=abc")
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("signature", knownvalue.StringExact(vectorHeader)),
				statecheck.ExpectKnownOutputValue("valid", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("known_vector", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("tampered", knownvalue.Bool(false)),
				statecheck.ExpectKnownOutputValue("wrong_secret", knownvalue.Bool(false)),
				statecheck.ExpectKnownOutputValue("malformed", knownvalue.Bool(false)),
			},
		}},
	})
}

func TestAccFunctions_signatureEmptySecret(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{{
			Config: acctest.Requirements("jelou") + `
output "signature" {
  value = provider::jelou::signature("", "body")
}
`,
			ExpectError: regexp.MustCompile(`secret must not be empty`),
		}},
	})
}
