terraform {
  required_providers {
    jurichat = {
      source = "externalsupport/jurichat"
    }
  }
}

# Credentials from the environment: JURICHAT_TOKEN (or JURICHAT_API_KEY), and
# optionally JURICHAT_BASE_URL.
provider "jurichat" {}
