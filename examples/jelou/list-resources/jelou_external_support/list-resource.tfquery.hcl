# integrations.tfquery.hcl — then run: terraform query -generate-config-out=integrations.tf
# Jelou has no endpoint that lists integrations: name the projects to look at.
# Projects without an integration are simply not in the results.
list "jelou_external_support" "team" {
  provider = jelou

  config {
    project_ids = ["support-es", "support-pt", "support-mx"]
  }
}
