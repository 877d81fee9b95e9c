# tests/verify: a helper module the emulator test runs to check a delivery's
# signature with provider::jelou::verify_signature (provider functions are
# called in a module rather than in an assert, which OpenTofu 1.12 cannot
# evaluate).
terraform {
  required_providers {
    jelou = { source = "externalsupport/jelou" }
  }
}

variable "secret" {
  type      = string
  sensitive = true
}

variable "body" {
  type = string
}

variable "signature" {
  type      = string
  sensitive = true
}

# A yes/no answer reveals nothing of the secret.
output "valid" {
  value = nonsensitive(provider::jelou::verify_signature(var.secret, var.body, var.signature))
}
