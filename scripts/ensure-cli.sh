#!/usr/bin/env bash
# Makes sure a Terraform-compatible CLI is available for the acceptance tests
# and the demo, and prints its absolute path on stdout.
#
# Order: $TF_ACC_TERRAFORM_PATH; terraform on PATH; tofu on PATH; a CLI already
# built into .tools/bin; otherwise build OpenTofu from the Go module proxy into
# .tools/bin/tofu (the releases sites are not needed; about 5 minutes on 2 cores).
#
# Environment: TOFU_VERSION (default below), CLI_PREFER=tofu to prefer OpenTofu
# (building it when missing) even where terraform is installed.
set -euo pipefail

TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"

log() { printf '%s\n' "$*" >&2; }

works() { [ -x "$1" ] && "$1" version >/dev/null 2>&1; }

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  if works "$TF_ACC_TERRAFORM_PATH"; then
    echo "$TF_ACC_TERRAFORM_PATH"
    exit 0
  fi
  log "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH does not run; looking for another CLI"
fi

candidates=()
if [ "${CLI_PREFER:-}" != "tofu" ]; then
  p="$(command -v terraform || true)"; [ -n "$p" ] && candidates+=("$p")
fi
p="$(command -v tofu || true)"; [ -n "$p" ] && candidates+=("$p")
[ "${CLI_PREFER:-}" != "tofu" ] && candidates+=("$bin/terraform")
candidates+=("$bin/tofu")
for c in "${candidates[@]}"; do
  if works "$c"; then
    echo "$c"
    exit 0
  fi
done

command -v go >/dev/null || { log "go is required to build OpenTofu"; exit 1; }
log "No terraform or tofu found: building OpenTofu $TOFU_VERSION from the Go module proxy into $bin (takes a few minutes)..."
json="$(go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION")"
src="$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[ -n "$src" ] && [ -d "$src" ] || { log "could not download github.com/opentofu/opentofu@$TOFU_VERSION: $json"; exit 1; }
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
mkdir -p "$bin"
(cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$bin/tofu.tmp" ./cmd/tofu) >&2
mv "$bin/tofu.tmp" "$bin/tofu"
works "$bin/tofu" || { log "the OpenTofu build at $bin/tofu does not run"; exit 1; }
log "Built $(TF_CLI_CONFIG_FILE= "$bin/tofu" version | head -n1) at $bin/tofu"
echo "$bin/tofu"
