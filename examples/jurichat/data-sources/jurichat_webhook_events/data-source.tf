data "jurichat_webhook_events" "all" {}

# Subscribe to every CRM event JuriChat offers, as the catalogue grows.
resource "jurichat_webhook" "crm_everything" {
  name   = "CRM, all events"
  url    = "https://crm.example.com/webhooks/jurichat"
  events = [for name in data.jurichat_webhook_events.all.names : name if startswith(name, "crm.")]
}
