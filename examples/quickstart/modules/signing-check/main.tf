# Receives the secrets the vendors generated, as sensitive variables, and does
# with them what a webhook receiver does: signs a sample body as the vendor
# would (the providers' signature functions), verifies the signature and
# rejects a tampered body. Only non-secret facts leave the module.

terraform {
  # Provider-defined functions: Terraform 1.8+, OpenTofu 1.7+.
  required_version = ">= 1.8.0"

  required_providers {
    jelou = {
      source = "externalsupport/jelou"
    }
    jurichat = {
      source = "externalsupport/jurichat"
    }
  }
}

locals {
  jelou_body    = jsonencode({ event_type = "message", text = "quickstart sample" })
  jurichat_body = jsonencode({ event = "webhook.test", timestamp = "2026-01-15T10:30:00.000Z" })
  tampered      = "{\"tampered\":true}"

  # The X-Jelou-Signature / X-JuriChat-Signature headers the vendors would send
  # with these bodies: sensitive, because they derive from the secrets.
  jelou_signature = provider::jelou::signature(var.jelou_signing_secret, local.jelou_body)
  jurichat_signatures = {
    for name in var.jurichat_webhook_names :
    name => provider::jurichat::signature(var.jurichat_webhook_secrets[name], local.jurichat_body)
  }
}
