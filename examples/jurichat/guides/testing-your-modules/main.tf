# The module under test: the JuriChat webhook of one CRM endpoint, and the
# test delivery its CI sends to the endpoint to check that the endpoint
# verifies X-JuriChat-Signature with the webhook's secret.
terraform {
  required_providers {
    jurichat = { source = "externalsupport/jurichat" }
  }
}

variable "crm_url" {
  description = "Base URL of the CRM; JuriChat delivers to <crm_url>/webhooks/jurichat."
  type        = string
}

variable "crm_token" {
  description = "Credential the CRM expects in the X-Crm-Token header."
  type        = string
  sensitive   = true
}

resource "jurichat_webhook" "crm" {
  name   = "CRM sync"
  url    = "${trimsuffix(var.crm_url, "/")}/webhooks/jurichat"
  events = ["crm.lead.created", "crm.lead.updated"]

  headers = {
    "X-Crm-Token" = var.crm_token
  }
}

locals {
  test_body = jsonencode({ event = "webhook.test", timestamp = "2026-01-15T10:30:00.000Z" })
}

output "webhook_id" {
  value = jurichat_webhook.crm.id
}

output "url" {
  value = jurichat_webhook.crm.url
}

# The CRM verifies deliveries with this secret.
output "secret" {
  value     = jurichat_webhook.crm.secret
  sensitive = true
}

# A delivery signed as JuriChat signs one: POST body with these headers to
# url to check the CRM end to end.
output "test_delivery" {
  value = {
    body = local.test_body
    headers = {
      "Content-Type"         = "application/json"
      "X-JuriChat-Signature" = provider::jurichat::signature(jurichat_webhook.crm.secret, local.test_body)
    }
  }
  sensitive = true
}
