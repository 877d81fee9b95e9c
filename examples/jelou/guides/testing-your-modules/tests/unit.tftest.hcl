# tests/unit.tftest.hcl
#
# The module's logic under a mocked provider: no API, no credentials.
# Run with: terraform test -filter=tests/unit.tftest.hcl

# Every jelou_external_support gets these values for its computed attributes
# instead of generated ones, so that the assertions below can be exact.
mock_provider "jelou" {
  mock_resource "jelou_external_support" {
    defaults = {
      id             = "mock-integration"
      signing_secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    }
  }
}

# The same provider without defaults: computed attributes get generated values.
mock_provider "jelou" {
  alias = "generated"
}

variables {
  project_id  = "acme-support"
  panel_url   = "https://support.example.com/"
  panel_token = "not-a-real-token"
}

# Arguments known from the configuration can be asserted on a plan.
run "webhook_url_from_panel_url" {
  command = plan

  assert {
    condition     = jelou_external_support.panel.webhook_url == "https://support.example.com/webhooks/jelou"
    error_message = "webhook_url must be <panel_url>/webhooks/jelou, without a double slash."
  }
}

# Computed attributes (id, signing_secret) are unknown in a plan: assertions
# on them need command = apply, which under a mock creates nothing.
run "signed_test_delivery" {
  command = apply

  assert {
    condition     = output.integration_id == "mock-integration"
    error_message = "integration_id must come from the resource."
  }

  # signing_secret stays sensitive under a mock: compare it, never print it.
  assert {
    condition     = nonsensitive(output.signing_secret == "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    error_message = "signing_secret must be the integration's secret."
  }

  # HMAC-SHA256 of the body under the mocked secret, computed independently:
  # printf '%s' '{"event_type":"message","text":"test delivery from CI"}' | openssl dgst -sha256 -hmac <secret>
  assert {
    condition     = nonsensitive(output.test_delivery.headers["X-Jelou-Signature"]) == "sha256=355c22ab3e562731bfb9571b922144b3dfcbc4887638cd65cf793a68daa3cad0"
    error_message = "The test delivery must be signed with the signing secret."
  }
}

# Without defaults a mocked string is a generated random string, still sensitive.
run "generated_values" {
  command = apply

  providers = {
    jelou = jelou.generated
  }

  assert {
    condition     = nonsensitive(length(output.signing_secret)) > 0 && output.integration_id != ""
    error_message = "A mock generates a value for every computed string."
  }

  # A provider function in an assert crashes OpenTofu 1.12 (Terraform runs
  # it): call functions in the module, check their results here.
  assert {
    condition     = can(regex("^sha256=[0-9a-f]{64}$", nonsensitive(output.test_delivery.headers["X-Jelou-Signature"])))
    error_message = "The test delivery must carry a sha256=<hex> signature."
  }
}
