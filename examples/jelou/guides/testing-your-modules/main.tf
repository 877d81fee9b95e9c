# The module under test: the Jelou integration of one support panel, and the
# test delivery its CI sends to the panel to check that the panel verifies
# X-Jelou-Signature with the integration's signing secret.
terraform {
  required_providers {
    jelou = { source = "externalsupport/jelou" }
  }
}

variable "project_id" {
  description = "Jelou project of the support panel."
  type        = string
}

variable "panel_url" {
  description = "Base URL of the support panel; Jelou calls <panel_url>/webhooks/jelou."
  type        = string
}

variable "panel_token" {
  description = "Bearer token Jelou presents to the panel."
  type        = string
  sensitive   = true
}

resource "jelou_external_support" "panel" {
  project_id    = var.project_id
  webhook_url   = "${trimsuffix(var.panel_url, "/")}/webhooks/jelou"
  auth_type     = "bearer"
  authorization = var.panel_token
}

locals {
  test_body = jsonencode({ event_type = "message", text = "test delivery from CI" })
}

output "integration_id" {
  value = jelou_external_support.panel.id
}

output "webhook_url" {
  value = jelou_external_support.panel.webhook_url
}

# The panel verifies deliveries with this secret.
output "signing_secret" {
  value     = jelou_external_support.panel.signing_secret
  sensitive = true
}

# A delivery signed as Jelou signs one: POST body with these headers to
# webhook_url to check the panel end to end.
output "test_delivery" {
  value = {
    body = local.test_body
    headers = {
      "Content-Type"      = "application/json"
      "X-Jelou-Signature" = provider::jelou::signature(jelou_external_support.panel.signing_secret, local.test_body)
    }
  }
  sensitive = true
}
