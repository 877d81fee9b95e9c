variable "jelou_project_id" {
  description = "Jelou project whose external support integration is created."
  type        = string
}

variable "jelou_webhook_url" {
  description = "URL Jelou delivers the project's events to."
  type        = string
}

variable "jelou_auth_type" {
  description = "How Jelou authenticates to the webhook: bearer, api_key, basic or no_auth."
  type        = string
  default     = "no_auth"
}

variable "jelou_authorization" {
  description = "Credential Jelou sends to the webhook (null with no_auth)."
  type        = string
  default     = null
  sensitive   = true
}

variable "jelou_rotate_when_changed" {
  description = "Values whose change regenerates the Jelou signing secret in place (same integration and id)."
  type        = map(string)
  default     = null
}

variable "jurichat_webhooks" {
  description = "JuriChat webhooks to create, by name."
  type = map(object({
    url         = string
    events      = set(string)
    description = optional(string)
    headers     = optional(map(string))
  }))
}
