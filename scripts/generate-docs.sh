#!/usr/bin/env bash
# Regenerates docs/<provider>/ for both providers with tfplugindocs, from the
# schemas of a fresh build, examples/<provider>/ and templates/<provider>/.
# The schema comes from the project's own CLI (scripts/ensure-cli.sh) and a
# dev_overrides configuration, so nothing is downloaded.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/lib.sh
tfplugindocs="${TFPLUGINDOCS:-$root/.tools/bin/tfplugindocs}"
# The schemas of identities, list resources and actions reach
# `providers schema -json` only from Terraform 1.14 on; an older CLI would
# silently drop their documentation. So ensure-cli passes over an older CLI
# (or OpenTofu) and uses, building it once when missing, the Terraform it pins
# in .tools/bin, as `make test` does where no CLI is installed.
min=1.14.0
cli="$(MIN_TERRAFORM_VERSION=$min ./scripts/ensure-cli.sh)"
read -r product version < <(cli_version "$cli")
if [ "$product" != Terraform ] || ! version_at_least "$min" "$version"; then
  echo "generate-docs: ensure-cli gave $cli, $product $version, not Terraform $min or later" >&2
  exit 1
fi
echo "generating the docs with $cli ($product $version)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/work"
build_dev_providers "$tmp"
cat > "$tmp/work/main.tf" <<'HCL'
terraform {
  required_providers {
    jelou    = { source = "registry.terraform.io/externalsupport/jelou" }
    jurichat = { source = "registry.terraform.io/externalsupport/jurichat" }
  }
}
HCL
TF_CLI_CONFIG_FILE="$tmp/tfrc" CHECKPOINT_DISABLE=1 "$cli" -chdir="$tmp/work" providers schema -json > "$tmp/schema.json" 2> "$tmp/schema.err" || {
  cat "$tmp/schema.err" >&2; exit 1; }

# tfplugindocs looks providers up by short name (or under the hashicorp namespace).
sed -i 's#"registry\.terraform\.io/externalsupport/\([a-z]*\)":#"\1":#g' "$tmp/schema.json"

TF_CLI_CONFIG_FILE="$tmp/tfrc" "$cli" fmt -recursive examples >/dev/null
for p in jelou:Jelou jurichat:JuriChat; do
  name="${p%%:*}" rendered="${p#*:}"
  "$tfplugindocs" generate --provider-name "$name" --rendered-provider-name "$rendered" \
    --providers-schema "$tmp/schema.json" --examples-dir "examples/$name" \
    --website-source-dir "templates/$name" --rendered-website-dir "docs/$name" >/dev/null
  echo "generated docs/$name"
done
