# Check a captured delivery against the integration's signing secret.
variable "signing_secret" {
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
  value = nonsensitive(provider::jelou::verify_signature(var.signing_secret, var.captured_body, var.captured_signature))
}
