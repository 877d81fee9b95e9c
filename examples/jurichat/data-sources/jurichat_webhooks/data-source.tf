data "jurichat_webhooks" "all" {}

# Webhooks whose deliveries mostly fail.
output "unhealthy_webhooks" {
  value = [
    for w in data.jurichat_webhooks.all.webhooks : w.name
    if w.stats != null && w.stats.total_deliveries > 0 && w.stats.success_rate < 90
  ]
}
