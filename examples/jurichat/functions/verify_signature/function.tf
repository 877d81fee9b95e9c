# Check a captured delivery against the webhook's secret.
variable "webhook_secret" {
  type      = string
  sensitive = true
}

variable "captured_body" {
  type = string
}

variable "captured_signature" {
  type = string
}

output "delivery_is_authentic" {
  # A yes/no answer reveals nothing of the secret.
  value = nonsensitive(provider::jurichat::verify_signature(var.webhook_secret, var.captured_body, var.captured_signature))
}
