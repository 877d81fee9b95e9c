# Retry the failed deliveries of a webhook on demand:
#   terraform apply -invoke=action.jurichat_retry_deliveries.crm
action "jurichat_retry_deliveries" "crm" {
  config {
    webhook_id   = jurichat_webhook.crm.id
    max_age      = "72h" # only what failed in the last three days
    wait_timeout = "2m"  # how long to wait for the receiver's answers
  }
}

# Or retry them whenever the webhook changes, for example once its url is fixed.
resource "jurichat_webhook" "crm" {
  name   = "CRM sync"
  url    = "https://crm.example.com/webhooks/jurichat"
  events = ["crm.lead.created", "crm.lead.updated"]

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.jurichat_retry_deliveries.crm]
    }
  }
}
