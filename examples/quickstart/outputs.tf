# No secret is output: only what the API assigned and what the signing check
# found.

output "jelou_integration_id" {
  description = "Identifier Jelou gave the integration."
  value       = jelou_external_support.panel.id
}

output "jurichat_webhook_ids" {
  description = "JuriChat webhook ids, by name."
  value       = { for name, hook in jurichat_webhook.this : name => hook.id }
}

output "signing_check" {
  description = "Per secret: a short fingerprint, and whether a sample delivery signed with it verifies and a tampered one is rejected."
  value       = module.signing_check.results
}
