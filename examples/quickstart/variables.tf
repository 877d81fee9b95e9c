variable "jelou_project_id" {
  description = "Jelou project whose external support integration is created."
  type        = string
  default     = "quickstart-project"
}

variable "jelou_secret_generation" {
  description = "Change it (for example to \"2\") to regenerate the Jelou signing secret in place."
  type        = string
  default     = "1"
}

variable "panel_token" {
  description = "Bearer token Jelou presents to the support panel's webhook (TF_VAR_panel_token)."
  type        = string
  sensitive   = true
  # It feeds only a write-only argument, so it need not be kept in a saved plan either.
  ephemeral = true
}

variable "crm_token" {
  description = "Token JuriChat sends to the CRM in the X-Crm-Token header (TF_VAR_crm_token)."
  type        = string
  sensitive   = true
  # Not ephemeral: header values are stored in state, to detect changes.
}
