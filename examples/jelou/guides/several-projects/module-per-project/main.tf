# module-per-project/main.tf
# Several Jelou projects, a module per project: the root module holds one
# provider configuration per project and hands each module its own.
# Terraform and OpenTofu.
terraform {
  required_providers {
    jelou = {
      source = "externalsupport/jelou"
    }
  }
}

# export TF_VAR_jelou_api_keys='{"acme-sales":"...","acme-support":"..."}'
variable "jelou_api_keys" {
  description = "Jelou API key of each project, by project id."
  type        = map(string)
  sensitive   = true
}

provider "jelou" {
  alias   = "sales"
  api_key = var.jelou_api_keys["acme-sales"]
}

provider "jelou" {
  alias   = "support"
  api_key = var.jelou_api_keys["acme-support"]
}

module "sales" {
  source = "../modules/jelou-project"
  providers = {
    jelou = jelou.sales
  }
  project_id  = "acme-sales"
  webhook_url = "https://support.example.com/webhooks/jelou/sales"
}

module "support" {
  source = "../modules/jelou-project"
  providers = {
    jelou = jelou.support
  }
  project_id  = "acme-support"
  webhook_url = "https://support.example.com/webhooks/jelou/support"
}

output "signing_secrets" {
  description = "Signing secret of each project's integration, by project id."
  value = {
    "acme-sales"   = module.sales.signing_secret
    "acme-support" = module.support.signing_secret
  }
  sensitive = true
}
