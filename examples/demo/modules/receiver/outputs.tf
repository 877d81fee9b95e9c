output "endpoints" {
  description = "Receiver URLs that now verify signatures."
  value = concat(
    ["${var.receiver_url}/jelou/${var.jelou_endpoint}"],
    [for name in var.jurichat_endpoints : "${var.receiver_url}/jurichat/${name}"],
  )
  # Known once the receiver has been configured.
  depends_on = [terraform_data.jelou, terraform_data.jurichat]
}
