# Configures the receiving side: registers each signing secret with the
# webhook receiver (dev/cmd/receiver), so that it can verify the signatures.
#
# The demo has no provider for the receiver, so a terraform_data resource runs
# the receiver binary in client mode. Its trigger is a hash of the secrets:
# when a secret changes (regenerated, or the webhook replaced), the receiver is
# configured again in the same apply. The secrets reach the command through its environment,
# never its command line; Terraform hides the command's output because that
# environment is sensitive.

terraform {
  required_version = ">= 1.5.0"
}

resource "terraform_data" "jelou" {
  triggers_replace = sha256(jsonencode([
    var.receiver_url, var.jelou_endpoint, var.jelou_signing_secret, var.jelou_auth_type, var.jelou_authorization,
  ]))

  provisioner "local-exec" {
    command = "\"$RECEIVER_COMMAND\" configure -vendor jelou -name ${var.jelou_endpoint} -auth-type ${var.jelou_auth_type}"
    environment = {
      RECEIVER_COMMAND       = var.receiver_command
      RECEIVER_URL           = var.receiver_url
      RECEIVER_ADMIN_TOKEN   = var.admin_token
      RECEIVER_SECRET        = var.jelou_signing_secret
      RECEIVER_AUTHORIZATION = var.jelou_authorization == null ? "" : var.jelou_authorization
    }
  }
}

resource "terraform_data" "jurichat" {
  for_each = toset(var.jurichat_endpoints)

  triggers_replace = sha256(jsonencode([
    var.receiver_url, each.key, var.jurichat_webhook_secrets[each.key],
  ]))

  provisioner "local-exec" {
    command = "\"$RECEIVER_COMMAND\" configure -vendor jurichat -name ${each.key}"
    environment = {
      RECEIVER_COMMAND     = var.receiver_command
      RECEIVER_URL         = var.receiver_url
      RECEIVER_ADMIN_TOKEN = var.admin_token
      RECEIVER_SECRET      = var.jurichat_webhook_secrets[each.key]
    }
  }
}
