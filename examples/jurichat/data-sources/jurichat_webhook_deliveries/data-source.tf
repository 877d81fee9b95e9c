# Usually the id is jurichat_webhook.<name>.id.
variable "webhook_id" {
  type    = string
  default = "6f1c2a9e-2b7d-4c1e-9d55-0c3f8f2f4a10"
}

# The failed deliveries of a webhook, newest first.
data "jurichat_webhook_deliveries" "failed" {
  webhook_id = var.webhook_id
  status     = "FAILED"
}

# Every plan and apply warns while the webhook has failed deliveries, and
# says what the receiver answered.
check "crm_deliveries" {
  data "jurichat_webhook_deliveries" "recent_failures" {
    webhook_id  = var.webhook_id
    status      = "FAILED"
    max_results = 10
  }

  assert {
    condition = length(data.jurichat_webhook_deliveries.recent_failures.deliveries) == 0
    error_message = format(
      "Webhook %s has %d failed deliveries; the newest (%s) got: %s. Fix the receiver, then run: terraform apply -invoke=action.jurichat_retry_deliveries.crm",
      var.webhook_id,
      data.jurichat_webhook_deliveries.recent_failures.total,
      try(data.jurichat_webhook_deliveries.recent_failures.deliveries[0].event, "-"),
      try(coalesce(data.jurichat_webhook_deliveries.recent_failures.deliveries[0].error_message, "no answer"), "-"),
    )
  }
}

# A delivery's body, decoded.
output "last_failed_payload" {
  value = try(jsondecode(data.jurichat_webhook_deliveries.failed.deliveries[0].payload), null)
}
