# tests/emulator.tftest.hcl
#
# The module against a JuriChat API, the emulator in CI. The provider reads
# JURICHAT_BASE_URL and JURICHAT_TOKEN (or JURICHAT_API_KEY) from the
# environment; everything created is destroyed when the file ends.
# Run with: terraform test -filter=tests/emulator.tftest.hcl

variables {
  crm_url   = "https://crm.example.com/"
  crm_token = "not-a-real-token"
}

run "create" {
  assert {
    condition     = output.webhook_id != "" && output.url == "https://crm.example.com/webhooks/jurichat"
    error_message = "The webhook must be created with the CRM's URL."
  }

  # Assert on what a secret is, never print it: compare inside nonsensitive().
  assert {
    condition     = nonsensitive(length(output.secret)) >= 32
    error_message = "secret must be the secret JuriChat returns on create."
  }
}

# The delivery the module signs verifies with the secret JuriChat returned.
# provider::jurichat::verify_signature runs in a helper module: OpenTofu 1.12
# cannot call provider functions in an assert.
run "signature_verifies" {
  module {
    source = "./tests/verify"
  }

  variables {
    secret    = run.create.secret
    body      = run.create.test_delivery.body
    signature = run.create.test_delivery.headers["X-JuriChat-Signature"]
  }

  assert {
    condition     = output.valid
    error_message = "The test delivery's X-JuriChat-Signature must verify with the webhook's secret."
  }
}

# A new CRM URL updates the webhook in place. (OpenTofu 1.12 cannot read
# run.<name> in an assert, so the test does not compare ids here; the
# emulator's request log shows one create and one update.)
run "move_crm" {
  variables {
    crm_url = "https://crm2.example.com"
  }

  assert {
    condition     = output.url == "https://crm2.example.com/webhooks/jurichat"
    error_message = "A new CRM URL must update url."
  }
}
