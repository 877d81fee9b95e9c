# tests/unit.tftest.hcl
#
# The module's logic under a mocked provider: no API, no credentials.
# Run with: terraform test -filter=tests/unit.tftest.hcl

# Every jurichat_webhook gets these values for its computed attributes
# instead of generated ones, so that the assertions below can be exact.
mock_provider "jurichat" {
  mock_resource "jurichat_webhook" {
    defaults = {
      id     = "mock-webhook"
      secret = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
    }
  }
}

# The same provider without defaults: computed attributes get generated values.
mock_provider "jurichat" {
  alias = "generated"
}

variables {
  crm_url   = "https://crm.example.com/"
  crm_token = "not-a-real-token"
}

# Arguments known from the configuration can be asserted on a plan.
run "url_from_crm_url" {
  command = plan

  assert {
    condition     = jurichat_webhook.crm.url == "https://crm.example.com/webhooks/jurichat"
    error_message = "url must be <crm_url>/webhooks/jurichat, without a double slash."
  }
}

# Computed attributes (id, secret) are unknown in a plan: assertions on them
# need command = apply, which under a mock creates nothing.
run "signed_test_delivery" {
  command = apply

  assert {
    condition     = output.webhook_id == "mock-webhook"
    error_message = "webhook_id must come from the resource."
  }

  # secret stays sensitive under a mock: compare it, never print it.
  assert {
    condition     = nonsensitive(output.secret == "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210")
    error_message = "secret must be the webhook's secret."
  }

  # HMAC-SHA256 of the body under the mocked secret, computed independently:
  # printf '%s' '{"event":"webhook.test","timestamp":"2026-01-15T10:30:00.000Z"}' | openssl dgst -sha256 -hmac <secret>
  assert {
    condition     = nonsensitive(output.test_delivery.headers["X-JuriChat-Signature"]) == "sha256=a4ba1cbf1b2b9a1cb6bf38f6b7b05d36ac17585ba27378c2d9a523506fc7c827"
    error_message = "The test delivery must be signed with the webhook's secret."
  }
}

# Without defaults a mocked string is a generated random string, still sensitive.
run "generated_values" {
  command = apply

  providers = {
    jurichat = jurichat.generated
  }

  assert {
    condition     = nonsensitive(length(output.secret)) > 0 && output.webhook_id != ""
    error_message = "A mock generates a value for every computed string."
  }

  # A provider function in an assert crashes OpenTofu 1.12 (Terraform runs
  # it): call functions in the module, check their results here.
  assert {
    condition     = can(regex("^sha256=[0-9a-f]{64}$", nonsensitive(output.test_delivery.headers["X-JuriChat-Signature"])))
    error_message = "The test delivery must carry a sha256=<hex> signature."
  }
}
