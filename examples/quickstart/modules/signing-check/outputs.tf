output "results" {
  description = "Per secret: its fingerprint (the first 12 hex digits of its SHA-256, which changes when the secret does), whether the sample signature verifies, and whether a tampered body is rejected."
  # Each fact is a fingerprint or a yes/no answer, which reveal nothing of the
  # secret: nonsensitive() says so explicitly, one fact at a time.
  value = merge(
    {
      "jelou" = {
        fingerprint            = nonsensitive(substr(sha256(var.jelou_signing_secret), 0, 12))
        signature_verifies     = nonsensitive(provider::jelou::verify_signature(var.jelou_signing_secret, local.jelou_body, local.jelou_signature))
        tampered_body_rejected = nonsensitive(!provider::jelou::verify_signature(var.jelou_signing_secret, local.tampered, local.jelou_signature))
      }
    },
    {
      for name in var.jurichat_webhook_names : "jurichat/${name}" => {
        fingerprint            = nonsensitive(substr(sha256(var.jurichat_webhook_secrets[name]), 0, 12))
        signature_verifies     = nonsensitive(provider::jurichat::verify_signature(var.jurichat_webhook_secrets[name], local.jurichat_body, local.jurichat_signatures[name]))
        tampered_body_rejected = nonsensitive(!provider::jurichat::verify_signature(var.jurichat_webhook_secrets[name], local.tampered, local.jurichat_signatures[name]))
      }
    },
  )
}
