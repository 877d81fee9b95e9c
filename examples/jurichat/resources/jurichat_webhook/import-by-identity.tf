import {
  to = jurichat_webhook.crm
  identity = {
    id = "6f1c2a9e-2b7d-4c1e-9d55-0c3f8f2f4a10"
  }
}
