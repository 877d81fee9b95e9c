variable "jelou_signing_secret" {
  description = "Signing secret of the Jelou integration (X-Jelou-Signature)."
  type        = string
  sensitive   = true
}

variable "jurichat_webhook_names" {
  description = "Names of the JuriChat webhooks, the keys of jurichat_webhook_secrets."
  type        = list(string)
}

variable "jurichat_webhook_secrets" {
  description = "Secrets of the JuriChat webhooks (X-JuriChat-Signature), by name."
  type        = map(string)
  sensitive   = true
}
