# No secret is output here: they stay inside the modules' sensitive outputs
# and variables.

output "jelou_project_id" {
  description = "Jelou project of the integration."
  value       = module.integrations.jelou_project_id
}

output "jelou_integration_id" {
  description = "Identifier Jelou gave the integration."
  value       = module.integrations.jelou_integration_id
}

output "jurichat_webhooks" {
  description = "JuriChat webhooks by receiver endpoint name: id and subscribed events."
  value = {
    for name, id in module.integrations.jurichat_webhook_ids : name => {
      id     = id
      events = sort(local.jurichat_webhooks[name].events)
    }
  }
}

output "receiver_endpoints" {
  description = "Receiver endpoints configured with a signing secret."
  value       = module.receiver.endpoints
}
