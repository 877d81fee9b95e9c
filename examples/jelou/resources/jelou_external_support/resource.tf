variable "panel_token" {
  description = "Bearer token Jelou presents to the support panel's webhook."
  type        = string
  sensitive   = true
}

variable "secret_generation" {
  description = "Change (for example increment) to regenerate the signing secret in place."
  type        = number
  default     = 1
}

resource "jelou_external_support" "panel" {
  project_id    = "my-jelou-project"
  webhook_url   = "https://support.example.com/webhooks/jelou"
  auth_type     = "bearer"
  authorization = var.panel_token

  # A change here regenerates signing_secret in place (same integration and
  # id); with time_rotating from hashicorp/time it rotates on a schedule.
  rotate_when_changed = {
    generation = tostring(var.secret_generation)
  }
}

# The receiver verifies X-Jelou-Signature with this secret.
output "jelou_signing_secret" {
  value     = jelou_external_support.panel.signing_secret
  sensitive = true
}
