data "jelou_external_support" "panel" {
  project_id = "my-jelou-project"
}

output "jelou_webhook_url" {
  value = data.jelou_external_support.panel.webhook_url
}
