#!/usr/bin/env bash
# Checks every example the way a user meets it: `fmt -check`, then `validate`
# of each example directory against freshly built providers (dev_overrides,
# nothing downloaded). Directories without a required_providers block get one
# declaring the providers as users do (source = "externalsupport/<name>").
# Each directory is validated in a fresh copy of examples/, so that relative
# module sources (../modules/x) resolve.
#
# OpenTofu-only examples are written in .tofu files (OpenTofu 1.8+ reads them,
# Terraform ignores them): with OpenTofu (CLI=path/to/tofu) their directories
# are validated and formatted too; with Terraform a directory holding only
# .tofu files is listed as skipped. CI runs this script with both CLIs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cli="${CLI:-$(./scripts/ensure-cli.sh)}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
go build -o "$tmp/bin/terraform-provider-jelou" .
cp "$tmp/bin/terraform-provider-jelou" "$tmp/bin/terraform-provider-jurichat"
cat > "$tmp/tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/externalsupport/jelou"    = "$tmp/bin"
    "registry.terraform.io/externalsupport/jurichat" = "$tmp/bin"
    "registry.opentofu.org/externalsupport/jelou"    = "$tmp/bin"
    "registry.opentofu.org/externalsupport/jurichat" = "$tmp/bin"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$tmp/tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

product=terraform
if TF_CLI_CONFIG_FILE= "$cli" version 2>/dev/null | head -n1 | grep -q '^OpenTofu'; then product=tofu; fi

echo "fmt -check examples/ ($product)"
"$cli" fmt -check -recursive -diff examples

failed=0 count=0 skipped=0
while IFS= read -r dir; do
  if [ "$product" = terraform ] && ! compgen -G "$dir/*.tf" >/dev/null; then
    echo "skip  $dir (OpenTofu only: .tofu files)"
    skipped=$((skipped + 1))
    continue
  fi
  count=$((count + 1))
  copy="$tmp/work/$count"
  mkdir -p "$copy"
  cp -R examples "$copy/"
  work="$copy/$dir"
  if ! grep -qs required_providers "$work"/*.tf "$work"/*.tofu; then
    cat > "$work/zz_required_providers.tf" <<'HCL'
terraform {
  required_providers {
    jelou    = { source = "externalsupport/jelou" }
    jurichat = { source = "externalsupport/jurichat" }
  }
}
HCL
  fi
  init=true
  if grep -qs '^module "' "$work"/*.tf "$work"/*.tofu; then
    # Local modules need installing; the overridden providers are not fetched.
    init() { "$cli" -chdir="$work" init -backend=false -input=false -no-color >/dev/null 2>&1 || "$cli" -chdir="$work" get -no-color; }
    init=init
  fi
  if out="$($init 2>&1 && "$cli" -chdir="$work" validate -no-color 2>&1)"; then
    echo "ok    $dir"
  else
    echo "FAIL  $dir"; echo "$out" | sed 's/^/      /'
    failed=$((failed + 1))
  fi
done < <(find examples -type f \( -name '*.tf' -o -name '*.tofu' \) -exec dirname {} \; | sort -u)
echo "$count example directories validated with $product, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
