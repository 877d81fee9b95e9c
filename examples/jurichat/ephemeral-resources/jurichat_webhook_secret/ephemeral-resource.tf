# Read a webhook's secret at apply time without storing it in plan or state,
# and hand it to a write-only argument of another provider (Terraform 1.11+),
# for example a secret store's value_wo. Usually the id is
# jurichat_webhook.<name>.id.
variable "webhook_id" {
  type = string
}

ephemeral "jurichat_webhook_secret" "crm" {
  webhook_id = var.webhook_id
}

# Ephemeral values may be used in provider blocks, write-only arguments, other
# ephemeral resources and ephemeral outputs of child modules.
locals {
  crm_webhook_secret = ephemeral.jurichat_webhook_secret.crm.secret
}
