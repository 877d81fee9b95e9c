package acctest

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// A known vector, from:
//
//	printf '%s' '{"event_type":"message"}' | openssl dgst -sha256 -hmac 'test-secret'
const (
	signatureVectorSecret = "test-secret"
	signatureVectorHeader = "sha256=85de6c27eaae3f141517672182c45e6ee7c0100ead5b08b9d437ec8c24c2bc62"
)

// SignatureFunctionSteps exercises provider::<name>::signature and
// provider::<name>::verify_signature with a known vector, a round trip, a
// tampered body, a wrong secret, a malformed header and an empty secret.
// Run them with tfversion.SkipBelow(tfversion.Version1_8_0).
func SignatureFunctionSteps(name string) []resource.TestStep {
	fn := func(s string) string { return strings.ReplaceAll(s, "PROVIDER", name) }
	return []resource.TestStep{
		{
			Config: Requirements(name) + fn(`
locals {
  secret = "`+signatureVectorSecret+`"
  body   = jsonencode({ event_type = "message" })
}

output "signature" {
  value = provider::PROVIDER::signature(local.secret, local.body)
}

output "round_trip" {
  value = provider::PROVIDER::verify_signature(local.secret, local.body, provider::PROVIDER::signature(local.secret, local.body))
}

output "known_vector" {
  value = provider::PROVIDER::verify_signature(local.secret, local.body, "`+signatureVectorHeader+`")
}

output "upper_case_hex" {
  value = provider::PROVIDER::verify_signature(local.secret, local.body, "sha256=${upper(trimprefix("`+signatureVectorHeader+`", "sha256="))}")
}

output "tampered" {
  value = provider::PROVIDER::verify_signature(local.secret, "${local.body} ", provider::PROVIDER::signature(local.secret, local.body))
}

output "wrong_secret" {
  value = provider::PROVIDER::verify_signature("other", local.body, provider::PROVIDER::signature(local.secret, local.body))
}

output "malformed" {
  value = provider::PROVIDER::verify_signature(local.secret, local.body, "md5=abc")
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("signature", knownvalue.StringExact(signatureVectorHeader)),
				statecheck.ExpectKnownOutputValue("round_trip", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("known_vector", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("upper_case_hex", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("tampered", knownvalue.Bool(false)),
				statecheck.ExpectKnownOutputValue("wrong_secret", knownvalue.Bool(false)),
				statecheck.ExpectKnownOutputValue("malformed", knownvalue.Bool(false)),
			},
		},
		{
			Config: Requirements(name) + fn(`
output "signature" {
  value = provider::PROVIDER::signature("", "body")
}
`),
			ExpectError: ErrorPattern(`secret must not be empty`),
		},
	}
}
