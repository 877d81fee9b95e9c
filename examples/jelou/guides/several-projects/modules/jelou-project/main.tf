# modules/jelou-project/main.tf
# Everything one Jelou project needs. The caller passes the provider
# configuration that holds this project's key:
#   providers = { jelou = jelou.<project> }
terraform {
  required_providers {
    jelou = {
      source = "externalsupport/jelou"
    }
  }
}

variable "project_id" {
  description = "Jelou project id."
  type        = string
}

variable "webhook_url" {
  description = "Your support panel's endpoint for this project's events."
  type        = string
}

resource "jelou_external_support" "this" {
  project_id  = var.project_id
  webhook_url = var.webhook_url
}

output "signing_secret" {
  description = "The secret Jelou signs this project's deliveries with."
  value       = jelou_external_support.this.signing_secret
  sensitive   = true
}
