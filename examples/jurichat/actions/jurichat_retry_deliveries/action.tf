# Retry the failed deliveries of a webhook on demand:
#   terraform apply -invoke=action.jurichat_retry_deliveries.crm
action "jurichat_retry_deliveries" "crm" {
  config {
    webhook_id   = jurichat_webhook.crm.id
    max_age      = "72h" # only what failed in the last three days
    wait_timeout = "2m"  # how long to wait for the receiver's answers
  }
}

# Or retry them once the webhook's url is fixed. The trigger cannot sit on the
# webhook itself, which the action refers to: terraform_data follows the url,
# so it is updated (and the action runs) right after the url is.
resource "jurichat_webhook" "crm" {
  name   = "CRM sync"
  url    = "https://crm.example.com/webhooks/jurichat"
  events = ["crm.lead.created", "crm.lead.updated"]
}

resource "terraform_data" "crm_url" {
  input = jurichat_webhook.crm.url

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.jurichat_retry_deliveries.crm]
    }
  }
}
