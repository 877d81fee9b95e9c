# The X-Jelou-Signature header Jelou would send with a body, for example to
# exercise a receiver from a `terraform test` file. Usually the secret is
# jelou_external_support.<name>.signing_secret.
variable "signing_secret" {
  type      = string
  sensitive = true
}

output "example_signature" {
  value     = provider::jelou::signature(var.signing_secret, jsonencode({ event_type = "message" }))
  sensitive = true
}
