# webhooks.tfquery.hcl — then run: terraform query -generate-config-out=webhooks.tf
list "jurichat_webhook" "all" {
  provider = jurichat
}

# Only the CRM's webhooks that receive new leads.
list "jurichat_webhook" "crm_leads" {
  provider = jurichat

  config {
    event      = "crm.lead.created"
    url_prefix = "https://crm.example.com/"
    is_active  = true
  }
}
