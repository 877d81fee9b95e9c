# The configuration `make demo` applies. It shows how the secrets Jelou and
# JuriChat generate travel from the module that creates the integrations to
# the module that configures the system receiving the webhooks, without anyone
# copying them by hand and without them ever appearing in Terraform's output.
#
#   module.integrations  creates the Jelou integration and two JuriChat webhooks,
#                        and outputs their signing secrets (sensitive outputs)
#   module.receiver      takes those secrets as sensitive variables and
#                        registers them with the webhook receiver
#
# Changing jelou_secret_generation regenerates the Jelou signing secret in
# place, and the same apply registers the new one with the receiver.
#
# The demo runs everything against the project's API emulator on 127.0.0.1;
# pointed at the real APIs (and at your receiver), the same code works as is.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    jelou = {
      source = "externalsupport/jelou"
    }
    jurichat = {
      source = "externalsupport/jurichat"
    }
  }
}

# Credentials come from the environment (JELOU_API_KEY, JURICHAT_TOKEN), never
# from the configuration.
provider "jelou" {
  base_url = var.jelou_base_url
}

provider "jurichat" {
  base_url = var.jurichat_base_url
}

locals {
  # The receiver serves one path per endpoint: /jelou/NAME and /jurichat/NAME.
  jelou_endpoint = "support-panel"

  jurichat_webhooks = {
    "crm-leads" = {
      description = "New and moved leads, for the sales dashboard"
      events      = ["crm.lead.created", "crm.lead.moved"]
      headers     = null
    }
    "conversations" = {
      description = "Conversations opened and assigned, for the support team"
      events      = ["chat.conversation.created", "chat.conversation.assigned"]
      # Custom headers are sensitive: the plan shows them as (sensitive value).
      headers = {
        "X-Demo-Source" = "terraform-demo"
      }
    }
  }
}

module "integrations" {
  source = "./modules/integrations"

  jelou_project_id    = var.jelou_project_id
  jelou_webhook_url   = "${var.receiver_url}/jelou/${local.jelou_endpoint}"
  jelou_auth_type     = "bearer"
  jelou_authorization = var.jelou_panel_token
  jelou_rotate_when_changed = {
    generation = var.jelou_secret_generation
  }

  jurichat_webhooks = {
    for name, hook in local.jurichat_webhooks : name => merge(hook, {
      url = "${var.receiver_url}/jurichat/${name}"
    })
  }
}

module "receiver" {
  source = "./modules/receiver"

  receiver_url     = var.receiver_url
  receiver_command = var.receiver_command
  admin_token      = var.receiver_admin_token

  jelou_endpoint       = local.jelou_endpoint
  jelou_signing_secret = module.integrations.jelou_signing_secret
  jelou_auth_type      = "bearer"
  jelou_authorization  = var.jelou_panel_token

  # for_each keys cannot be sensitive, so the names travel apart from the secrets.
  jurichat_endpoints       = keys(local.jurichat_webhooks)
  jurichat_webhook_secrets = module.integrations.jurichat_webhook_secrets
}
