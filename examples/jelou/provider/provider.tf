terraform {
  required_providers {
    jelou = {
      source = "externalsupport/jelou"
    }
  }
}

# Credentials from the environment: JELOU_API_KEY (or JELOU_CLIENT_ID and
# JELOU_CLIENT_SECRET), and optionally JELOU_BASE_URL.
provider "jelou" {}
