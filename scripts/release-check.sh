#!/usr/bin/env bash
# make release-check: proves, per provider, in a minute or two rather than the
# full snapshot's five, that a release is what the registries read:
#
#   1. goreleaser check on .goreleaser.yml, for each PROVIDER;
#   2. a snapshot release (unsigned, unpublished) of each provider built from
#      .goreleaser.yml for this machine's platform only (the configuration
#      with its platform lists narrowed, into a temporary dist), checked by
#      scripts/check-release.sh: archive name and contents, SHA256SUMS,
#      manifest, -version. The full platform matrix is the same configuration;
#      make release-snapshot builds and checks all 13 platforms;
#   3. each provider's repository tree (scripts/provider-repo.sh), checked by
#      scripts/check-release.sh --repo: docs at the registries' paths;
#   4. the emulator's archive for this platform (.goreleaser.emulator.yml
#      narrowed the same way) and its SHA256SUMS, checked by
#      scripts/check-release.sh --emulator, -version included;
#   5. the archives laid out as a provider mirror (scripts/mirror.sh) and
#      installed from it by terraform (or tofu) init with a filesystem_mirror,
#      as README.md tells users to do until the providers are published.
#
# GORELEASER names the goreleaser binary (the GNUmakefile installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
goreleaser="${GORELEASER:-goreleaser}"
providers=(jelou jurichat)
os="$(go env GOOS)" arch="$(go env GOARCH)"

tmp="$(mktemp -d)"
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT

# The configuration's templates read PROVIDER (the release repository among
# them), so it is checked once per provider.
for p in "${providers[@]}"; do
  echo "== goreleaser check (PROVIDER=$p)"
  PROVIDER=$p "$goreleaser" check
done

# The configuration for this platform only: every build's goos and goarch
# lists become this machine's, its ignore list goes, dist moves to $tmp.
awk -v os="$os" -v arch="$arch" -v dist="$tmp/goreleaser-dist" '
  skip && /^      / { next }
  { skip = 0 }
  /^    goos:$/   { print; print "      - " os; skip = 1; next }
  /^    goarch:$/ { print; print "      - \"" arch "\""; skip = 1; next }
  /^    ignore:$/ { skip = 1; next }
  { print }
  END { print "dist: " dist }
' .goreleaser.yml >"$tmp/goreleaser.yml"
grep -q "^      - $os$" "$tmp/goreleaser.yml" || { echo "release-check: could not narrow the platform lists of .goreleaser.yml" >&2; exit 1; }

mkdir -p "$tmp/dist"
for p in "${providers[@]}"; do
  echo "== snapshot of $p for ${os}_${arch}"
  PROVIDER=$p "$goreleaser" release --snapshot --clean --skip=sign,publish --config "$tmp/goreleaser.yml" >"$tmp/$p.log" 2>&1 ||
    { cat "$tmp/$p.log"; exit 1; }
  mv "$tmp/goreleaser-dist" "$tmp/dist/$p"
  for sums in "$tmp/dist/$p"/*_SHA256SUMS; do
    cp terraform-registry-manifest.json "${sums%_SHA256SUMS}_manifest.json"
  done
done
PLATFORMS="${os}_${arch}" ./scripts/check-release.sh "$tmp/dist" "${providers[@]}"

# The emulator's archives, for this platform, from .goreleaser.emulator.yml narrowed the same way.
echo "== goreleaser check and snapshot of the emulator for ${os}_${arch}"
"$goreleaser" check --config .goreleaser.emulator.yml
awk -v os="$os" -v arch="$arch" -v dist="$tmp/emulator-dist" '
  skip && /^      / { next }
  { skip = 0 }
  /^    goos:$/   { print; print "      - " os; skip = 1; next }
  /^    goarch:$/ { print; print "      - \"" arch "\""; skip = 1; next }
  /^    ignore:$/ { skip = 1; next }
  { print }
  END { print "dist: " dist }
' .goreleaser.emulator.yml >"$tmp/goreleaser.emulator.yml"
grep -q "^      - $os$" "$tmp/goreleaser.emulator.yml" || { echo "release-check: could not narrow the platform lists of .goreleaser.emulator.yml" >&2; exit 1; }
"$goreleaser" release --snapshot --clean --skip=sign,publish --config "$tmp/goreleaser.emulator.yml" >"$tmp/emulator.log" 2>&1 ||
  { cat "$tmp/emulator.log"; exit 1; }
PLATFORMS="${os}_${arch}" ./scripts/check-release.sh --emulator "$tmp/emulator-dist"

echo "== repository trees"
for p in "${providers[@]}"; do
  ./scripts/provider-repo.sh "$p" "$tmp/repo-$p" >/dev/null
  ./scripts/check-release.sh --repo "$tmp/repo-$p" "$p"
done

echo "== install from a filesystem mirror"
./scripts/mirror.sh "$tmp/dist" "$tmp/mirror"
cli="$(./scripts/ensure-cli.sh)"
host=registry.terraform.io
if TF_CLI_CONFIG_FILE= "$cli" version | head -n1 | grep -q '^OpenTofu'; then host=registry.opentofu.org; fi
cat >"$tmp/mirror.tfrc" <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "$tmp/mirror"
    include = ["$host/externalsupport/*"]
  }
}
TFRC
mkdir -p "$tmp/init"
{
  echo 'terraform {'
  echo '  required_providers {'
  for p in "${providers[@]}"; do
    sums=("$tmp/dist/$p"/*_SHA256SUMS)
    v="$(basename "${sums[0]}")" v="${v#terraform-provider-"${p}"_}" v="${v%_SHA256SUMS}"
    # Terraform lowercases a prerelease (0.0.0-SNAPSHOT-… of a snapshot)
    # read from a file name, and compares it case-sensitively.
    echo "    $p = { source = \"externalsupport/$p\", version = \"${v,,}\" }"
  done
  echo '  }'
  echo '}'
} >"$tmp/init/main.tf"
TF_CLI_CONFIG_FILE="$tmp/mirror.tfrc" CHECKPOINT_DISABLE=1 "$cli" -chdir="$tmp/init" init -input=false -no-color >"$tmp/init.log" 2>&1 ||
  { cat "$tmp/init.log"; exit 1; }
for p in "${providers[@]}"; do
  grep -q "provider \"$host/externalsupport/$p\"" "$tmp/init/.terraform.lock.hcl" ||
    { cat "$tmp/init.log"; echo "release-check: init did not lock externalsupport/$p" >&2; exit 1; }
  # The lock file records the archive's hash.
  grep -A4 "provider \"$host/externalsupport/$p\"" "$tmp/init/.terraform.lock.hcl" | grep -q '"h1:' ||
    { echo "release-check: the lock file has no hash for externalsupport/$p" >&2; exit 1; }
done
echo "release-check: $(basename "$cli") init installed both providers from the mirror ($host)"
