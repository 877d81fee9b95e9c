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
. scripts/lib.sh
cli="${CLI:-$(./scripts/ensure-cli.sh)}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
build_dev_providers "$tmp"
export TF_CLI_CONFIG_FILE="$tmp/tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# What the CLI supports: identity imports (Terraform and OpenTofu 1.12+),
# actions and list resources (Terraform 1.14+), .tofu files (OpenTofu).
# Examples of what it lacks are skipped, saying so, rather than failing.
read -r product version < <(cli_version "$cli")
at_least() { version_at_least "$1" "$version"; }
has_identity=false has_actions=false
if at_least 1.12.0; then has_identity=true; fi
if [ "$product" = Terraform ] && at_least 1.14.0; then has_actions=true; fi
echo "CLI: $product $version (identity imports: $has_identity; actions and list resources: $has_actions)"

# declare_providers DIR declares the providers as users do.
declare_providers() {
  cat > "$1/zz_required_providers.tf" <<'HCL'
terraform {
  required_providers {
    jelou    = { source = "externalsupport/jelou" }
    jurichat = { source = "externalsupport/jurichat" }
  }
}
HCL
}

echo "fmt -check examples/ ($product)"
"$cli" fmt -check -recursive -diff examples

failed=0 count=0 skipped=0
extra=()
# fresh_copy DIR: a fresh copy of examples/ (relative module sources such as
# ../modules/x resolve); sets work to the copy of DIR.
fresh_copy() {
  count=$((count + 1))
  local copy="$tmp/work/$count"
  mkdir -p "$copy"
  cp -R examples "$copy/"
  work="$copy/$1"
}
while IFS= read -r dir; do
  if [ "$product" = Terraform ] && ! compgen -G "$dir/*.tf" >/dev/null; then
    echo "skip  $dir (OpenTofu only: .tofu files)"
    skipped=$((skipped + 1))
    continue
  fi
  case "$dir" in */actions/*)
    if ! $has_actions; then echo "skip  $dir (actions need Terraform 1.14+)"; skipped=$((skipped + 1)); continue; fi;;
  esac
  fresh_copy "$dir"
  # The two import examples import the same resource: the identity one is
  # validated on its own, in place of the id one.
  if [ -f "$work/import-by-identity.tf" ]; then
    rm "$work/import-by-identity.tf"
    if $has_identity; then
      extra+=("$dir")
    else
      echo "      (import-by-identity.tf of $dir left out: identity imports need 1.12+)"
    fi
  fi
  # List resource queries are validated below, with validate -query.
  rm -f "$work"/*.tfquery.hcl
  if ! grep -qs required_providers "$work"/*.tf "$work"/*.tofu; then declare_providers "$work"; fi
  init=true
  if grep -qs '^module "' "$work"/*.tf "$work"/*.tofu || grep -qs '^  module {' "$work"/tests/*.tftest.hcl; then
    # Local modules need installing, those of test files' run blocks too
    # (validate checks tests/); the overridden providers are not fetched.
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
for dir in "${extra[@]+"${extra[@]}"}"; do
  fresh_copy "$dir"
  rm -f "$work/import-by-string-id.tf" "$work"/*.tfquery.hcl
  if ! grep -qs required_providers "$work"/*.tf; then declare_providers "$work"; fi
  if out="$("$cli" -chdir="$work" validate -no-color 2>&1)"; then
    echo "ok    $dir (import-by-identity.tf)"
  else
    echo "FAIL  $dir (import-by-identity.tf)"; echo "$out" | sed 's/^/      /'
    failed=$((failed + 1))
  fi
done

# List resource examples (.tfquery.hcl only): validate -query, with the providers declared.
while IFS= read -r dir; do
  if ! $has_actions; then echo "skip  $dir (list resources need Terraform 1.14+)"; skipped=$((skipped + 1)); continue; fi
  count=$((count + 1))
  work="$tmp/work/$count"
  mkdir -p "$work"
  cp "$dir"/*.tfquery.hcl "$work/"
  declare_providers "$work"
  if out="$("$cli" -chdir="$work" validate -query -no-color 2>&1)"; then
    echo "ok    $dir (query)"
  else
    echo "FAIL  $dir (query)"; echo "$out" | sed 's/^/      /'
    failed=$((failed + 1))
  fi
done < <(find examples -name '*.tfquery.hcl' -exec dirname {} \; | sort -u)
echo "$count example directories validated with $product $version, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
