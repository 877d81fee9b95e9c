variable "jelou_base_url" {
  description = "Jelou API base URL. null: JELOU_BASE_URL, else the provider's default (production)."
  type        = string
  default     = null
}

variable "jurichat_base_url" {
  description = "JuriChat API base URL. null: JURICHAT_BASE_URL, else the provider's default (production)."
  type        = string
  default     = null
}

variable "jelou_project_id" {
  description = "Jelou project whose external support integration is created."
  type        = string
  default     = "demo-project"
}

variable "jelou_secret_generation" {
  description = "Change it (for example to \"2\") to regenerate the Jelou signing secret in place; the receiver gets the new one in the same apply."
  type        = string
  default     = "1"
}

variable "jelou_panel_token" {
  description = "Credential Jelou sends (Authorization: Bearer) when it calls the receiver; the receiver checks it."
  type        = string
  sensitive   = true
}

variable "receiver_url" {
  description = "Base URL of the webhook receiver (dev/cmd/receiver), on loopback."
  type        = string
}

variable "receiver_command" {
  description = "Path of the receiver binary, run in client mode (`receiver configure`) to register the secrets."
  type        = string
}

variable "receiver_admin_token" {
  description = "Token protecting the receiver's registration route."
  type        = string
  sensitive   = true
}
