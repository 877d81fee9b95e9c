# A webhook is imported by its JuriChat id. JuriChat returns the secret when
# the webhook is read, so the imported webhook has its secret in state.
terraform import jurichat_webhook.crm 6f1c2a9e-2b7d-4c1e-9d55-0c3f8f2f4a10
