# Several Jelou projects with provider aliases: one provider configuration
# per project, each with that project's API key. Terraform and OpenTofu.
terraform {
  required_providers {
    jelou = {
      source = "externalsupport/jelou"
    }
  }
}

# Each project's API key, by project id. Set it from the environment (for
# example from your CI system's secret store), never in a .tf file:
#   export TF_VAR_jelou_api_keys='{"acme-sales":"...","acme-support":"..."}'
variable "jelou_api_keys" {
  description = "Jelou API key of each project, by project id."
  type        = map(string)
  sensitive   = true
}

# No default (unaliased) jelou provider: a resource that forgets its
# provider argument fails for lack of credentials instead of using another
# project's key. JELOU_BASE_URL, JELOU_MAX_RETRIES and the other settings
# from the environment apply to every configuration.
provider "jelou" {
  alias   = "sales"
  api_key = var.jelou_api_keys["acme-sales"]
}

provider "jelou" {
  alias   = "support"
  api_key = var.jelou_api_keys["acme-support"]
}

resource "jelou_external_support" "sales" {
  provider    = jelou.sales
  project_id  = "acme-sales"
  webhook_url = "https://support.example.com/webhooks/jelou/sales"
}

resource "jelou_external_support" "support" {
  provider    = jelou.support
  project_id  = "acme-support"
  webhook_url = "https://support.example.com/webhooks/jelou/support"
}

output "signing_secrets" {
  description = "Signing secret of each project's integration, by project id."
  value = {
    (jelou_external_support.sales.project_id)   = jelou_external_support.sales.signing_secret
    (jelou_external_support.support.project_id) = jelou_external_support.support.signing_secret
  }
  sensitive = true
}
