# A configuration of your own to start from: `make quickstart` prepares the
# providers built from this checkout and the emulator, and prints what to
# export (see README.md beside this file).
#
#   jelou_external_support.panel   a Jelou integration; Jelou generates its signing secret
#   jurichat_webhook.this          two JuriChat webhooks; JuriChat generates their secrets
#   module.signing_check           takes the three secrets as sensitive variables and shows,
#                                  without revealing them, that they sign and verify deliveries

terraform {
  # Ephemeral variables: Terraform 1.10+, OpenTofu 1.11+; write-only arguments: 1.11+ for both.
  required_version = ">= 1.11.0"

  required_providers {
    jelou = {
      source = "externalsupport/jelou"
    }
    jurichat = {
      source = "externalsupport/jurichat"
    }
  }
}

# Credentials and base URLs come from the environment (JELOU_API_KEY,
# JELOU_BASE_URL, JURICHAT_TOKEN, JURICHAT_BASE_URL), never from the configuration.
provider "jelou" {}
provider "jurichat" {}

resource "jelou_external_support" "panel" {
  project_id  = var.jelou_project_id
  webhook_url = "https://support.example.com/webhooks/jelou"
  auth_type   = "bearer"

  # Write-only: sent to Jelou, never stored in state or in a saved plan.
  # Bump the version to send a new token.
  authorization_wo         = var.panel_token
  authorization_wo_version = 1

  # Change the generation to regenerate the signing secret in place.
  rotate_when_changed = {
    generation = var.jelou_secret_generation
  }
}

resource "jurichat_webhook" "this" {
  for_each = local.jurichat_webhooks

  name   = each.key
  url    = each.value.url
  events = each.value.events
  # Header values are sensitive: the plan shows (sensitive value).
  headers = {
    "X-Crm-Token" = var.crm_token
  }
}

locals {
  jurichat_webhooks = {
    "crm-leads" = {
      url    = "https://crm.example.com/webhooks/jurichat/leads"
      events = ["crm.lead.created", "crm.lead.moved"]
    }
    "conversations" = {
      url    = "https://crm.example.com/webhooks/jurichat/conversations"
      events = ["chat.conversation.created", "chat.conversation.assigned"]
    }
  }
}

module "signing_check" {
  source = "./modules/signing-check"

  jelou_signing_secret = jelou_external_support.panel.signing_secret

  # for_each keys and for-expression keys cannot be sensitive, so the names
  # travel apart from the secrets.
  jurichat_webhook_names   = keys(local.jurichat_webhooks)
  jurichat_webhook_secrets = { for name, hook in jurichat_webhook.this : name => hook.secret }
}
