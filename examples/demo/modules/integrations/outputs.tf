output "jelou_project_id" {
  description = "Jelou project of the integration."
  value       = jelou_external_support.this.project_id
}

output "jelou_integration_id" {
  description = "Identifier Jelou gave the integration."
  value       = jelou_external_support.this.id
}

output "jelou_signing_secret" {
  description = "Secret Jelou signs its deliveries with (X-Jelou-Signature). Jelou returns it only once, at creation."
  value       = jelou_external_support.this.signing_secret
  sensitive   = true
}

output "jurichat_webhook_ids" {
  description = "JuriChat webhook ids by name."
  value       = { for name, hook in jurichat_webhook.this : name => hook.id }
}

output "jurichat_webhook_secrets" {
  description = "Secrets JuriChat signs each webhook's deliveries with (X-JuriChat-Signature), by name."
  value       = { for name, hook in jurichat_webhook.this : name => hook.secret }
  sensitive   = true
}
