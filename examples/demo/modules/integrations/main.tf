# Creates the vendor side: the Jelou integration and the JuriChat webhooks.
# Both vendors generate the signing secrets; this module hands them on as
# sensitive outputs.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    jelou = {
      source = "externalsupport/jelou"
    }
    jurichat = {
      source = "externalsupport/jurichat"
    }
  }
}

resource "jelou_external_support" "this" {
  project_id    = var.jelou_project_id
  webhook_url   = var.jelou_webhook_url
  auth_type     = var.jelou_auth_type
  authorization = var.jelou_authorization

  # A change regenerates the signing secret in place.
  rotate_when_changed = var.jelou_rotate_when_changed
}

resource "jurichat_webhook" "this" {
  for_each = var.jurichat_webhooks

  name        = each.key
  description = each.value.description
  url         = each.value.url
  events      = each.value.events
  headers     = each.value.headers
}
