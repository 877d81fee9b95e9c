# The X-JuriChat-Signature header JuriChat would send with a body, for example
# to exercise a receiver from a `terraform test` file. Usually the secret is
# jurichat_webhook.<name>.secret.
variable "webhook_secret" {
  type      = string
  sensitive = true
}

output "example_signature" {
  value     = provider::jurichat::signature(var.webhook_secret, jsonencode({ event = "webhook.test", timestamp = "2026-01-15T10:30:00.000Z" }))
  sensitive = true
}
