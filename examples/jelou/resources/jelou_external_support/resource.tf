variable "panel_token" {
  description = "Bearer token Jelou presents to the support panel's webhook."
  type        = string
  sensitive   = true
}

resource "jelou_external_support" "panel" {
  project_id    = "my-jelou-project"
  webhook_url   = "https://support.example.com/webhooks/jelou"
  auth_type     = "bearer"
  authorization = var.panel_token
}

# The receiver verifies X-Jelou-Signature with this secret.
output "jelou_signing_secret" {
  value     = jelou_external_support.panel.signing_secret
  sensitive = true
}
