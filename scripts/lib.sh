# Shared by the scripts that run the CLI against freshly built providers
# (generate-docs.sh, validate-examples.sh); source it, do not run it.

# build_dev_providers DIR builds the provider binary under both names into
# DIR/bin and writes DIR/tfrc, a CLI configuration whose dev_overrides serve
# them for both registries' addresses (nothing is downloaded).
build_dev_providers() {
  mkdir -p "$1/bin"
  go build -o "$1/bin/terraform-provider-jelou" .
  cp "$1/bin/terraform-provider-jelou" "$1/bin/terraform-provider-jurichat"
  cat > "$1/tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/externalsupport/jelou"    = "$1/bin"
    "registry.terraform.io/externalsupport/jurichat" = "$1/bin"
    "registry.opentofu.org/externalsupport/jelou"    = "$1/bin"
    "registry.opentofu.org/externalsupport/jurichat" = "$1/bin"
  }
  direct {}
}
TFRC
}

# cli_version CLI prints "<product> <version>" (e.g. "Terraform 1.16.4",
# "OpenTofu 1.12.6") from the CLI's own version line.
cli_version() {
  TF_CLI_CONFIG_FILE= "$1" version 2>/dev/null | sed -n '1s/^\(Terraform\|OpenTofu\) v\([0-9.]*\).*/\1 \2/p'
}

# version_at_least MIN VERSION succeeds when VERSION >= MIN.
version_at_least() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$1" ]
}
