# tests/emulator.tftest.hcl
#
# The module against a Jelou API, the emulator in CI. The provider reads
# JELOU_BASE_URL and JELOU_API_KEY from the environment; everything created
# is destroyed when the file ends.
# Run with: terraform test -filter=tests/emulator.tftest.hcl

variables {
  project_id  = "module-test"
  panel_url   = "https://support.example.com/"
  panel_token = "not-a-real-token"
}

run "create" {
  assert {
    condition     = output.integration_id != "" && output.webhook_url == "https://support.example.com/webhooks/jelou"
    error_message = "The integration must be created with the panel's webhook URL."
  }

  # Assert on what a secret is, never print it: compare inside nonsensitive().
  assert {
    condition     = nonsensitive(can(regex("^[0-9a-f]{32,}$", output.signing_secret)))
    error_message = "signing_secret must be the hex secret Jelou returns on create."
  }
}

# The delivery the module signs verifies with the secret Jelou returned.
# provider::jelou::verify_signature runs in a helper module: OpenTofu 1.12
# cannot call provider functions in an assert.
run "signature_verifies" {
  module {
    source = "./tests/verify"
  }

  variables {
    secret    = run.create.signing_secret
    body      = run.create.test_delivery.body
    signature = run.create.test_delivery.headers["X-Jelou-Signature"]
  }

  assert {
    condition     = output.valid
    error_message = "The test delivery's X-Jelou-Signature must verify with signing_secret."
  }
}

# A new panel URL updates the integration in place. (OpenTofu 1.12 cannot
# read run.<name> in an assert, so the test does not compare ids here; the
# emulator's request log shows one create and one update.)
run "move_panel" {
  variables {
    panel_url = "https://panel.example.com"
  }

  assert {
    condition     = output.webhook_url == "https://panel.example.com/webhooks/jelou"
    error_message = "A new panel URL must update webhook_url."
  }
}
