variable "crm_token" {
  description = "Credential the CRM endpoint expects in the X-Crm-Token header."
  type        = string
  sensitive   = true
}

resource "jurichat_webhook" "crm" {
  name        = "CRM sync"
  description = "Keeps the CRM in step with JuriChat leads."
  url         = "https://crm.example.com/webhooks/jurichat"
  events      = ["crm.lead.created", "crm.lead.updated", "crm.lead.moved"]

  # Sent with every delivery; values never show in plan output.
  headers = {
    "X-Crm-Token" = var.crm_token
  }

  # JuriChat cannot regenerate a secret: a change here replaces the webhook
  # (new id and secret), the new one created before the old one is deleted.
  rotate_when_changed = {
    generation = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The receiver verifies X-JuriChat-Signature with this secret.
output "crm_webhook_secret" {
  value     = jurichat_webhook.crm.secret
  sensitive = true
}
