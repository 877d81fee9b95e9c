variable "receiver_url" {
  description = "Base URL of the webhook receiver, on loopback."
  type        = string

  validation {
    condition     = can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\]):[0-9]+$", var.receiver_url))
    error_message = "The receiver listens on loopback only: use http://127.0.0.1:PORT (or localhost, [::1])."
  }
}

variable "receiver_command" {
  description = "Path of the receiver binary."
  type        = string
}

variable "admin_token" {
  description = "Token protecting the receiver's registration route."
  type        = string
  sensitive   = true
}

variable "jelou_endpoint" {
  description = "Receiver endpoint name of the Jelou integration (deliveries go to /jelou/NAME)."
  type        = string
}

variable "jelou_signing_secret" {
  description = "Jelou signing secret of the integration."
  type        = string
  sensitive   = true
}

variable "jelou_auth_type" {
  description = "auth_type of the Jelou integration: the receiver checks the matching credential."
  type        = string
  default     = "no_auth"
}

variable "jelou_authorization" {
  description = "Credential Jelou sends to the receiver (null with no_auth)."
  type        = string
  default     = null
  sensitive   = true
}

variable "jurichat_endpoints" {
  description = "Receiver endpoint names of the JuriChat webhooks (deliveries go to /jurichat/NAME)."
  type        = list(string)
}

variable "jurichat_webhook_secrets" {
  description = "JuriChat webhook secrets, by endpoint name."
  type        = map(string)
  sensitive   = true
}
