#!/usr/bin/env bash
# Checks what goreleaser produced for each provider (make release-snapshot):
#
#   scripts/check-release.sh [DIST] [PROVIDER...]
#
# DIST (default: dist) holds one goreleaser dist directory per provider
# (dist/jelou, dist/jurichat). For each provider it checks that the directory
# holds what the Terraform registry expects for one version:
#   - terraform-provider-<name>_<version>_<os>_<arch>.zip for every platform
#     of .goreleaser.yml, each holding the binary
#     terraform-provider-<name>_v<version>[.exe];
#   - terraform-provider-<name>_<version>_SHA256SUMS listing exactly those
#     zips and the manifest, with matching sums;
#   - terraform-provider-<name>_<version>_manifest.json, identical to
#     terraform-registry-manifest.json;
#   - with REQUIRE_SIGNATURE=1, a valid detached SHA256SUMS.sig (gpg --verify);
# and that the binary built for this machine reports <version> with -version.
set -euo pipefail
cd "$(dirname "$0")/.."

dist="${1:-dist}"
shift || true
providers=("$@")
[ ${#providers[@]} -gt 0 ] || providers=(jelou jurichat)

# The platform matrix of .goreleaser.yml (scaffolding-framework's): four OSes
# times four architectures, without darwin/386 and windows/arm (ignored) and
# darwin/arm (not a Go target).
platforms=(
  darwin_amd64 darwin_arm64
  freebsd_386 freebsd_amd64 freebsd_arm freebsd_arm64
  linux_386 linux_amd64 linux_arm linux_arm64
  windows_386 windows_amd64 windows_arm64
)

fail() { echo "check-release: $*" >&2; exit 1; }

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

list_zip() { # names of the files in a zip, one per line
  if command -v unzip >/dev/null; then unzip -Z1 "$1"
  elif command -v python3 >/dev/null; then
    python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"
  else fail "need unzip or python3 to read $1"; fi
}

extract_zip() { # extract_zip ZIP DIR
  if command -v unzip >/dev/null; then unzip -q -o "$1" -d "$2"
  else python3 -m zipfile -e "$1" "$2"; fi
}

host_platform="$(go env GOOS)_$(go env GOARCH)"
manifest_sum="$(sha256 terraform-registry-manifest.json)"

for p in "${providers[@]}"; do
  dir="$dist/$p"
  [ -d "$dir" ] || fail "$dir does not exist (run make release-snapshot)"

  sums=("$dir"/terraform-provider-"$p"_*_SHA256SUMS)
  [ ${#sums[@]} -eq 1 ] && [ -f "${sums[0]}" ] || fail "$dir: want exactly one terraform-provider-${p}_<version>_SHA256SUMS, found: ${sums[*]}"
  sums="${sums[0]}"
  version="$(basename "$sums")"
  version="${version#terraform-provider-"$p"_}"
  version="${version%_SHA256SUMS}"
  prefix="terraform-provider-${p}_${version}"

  # The zips: one per platform, each holding the versioned binary.
  want_files=("${prefix}_manifest.json")
  for plat in "${platforms[@]}"; do
    zip="$dir/${prefix}_${plat}.zip"
    [ -f "$zip" ] || fail "missing $zip"
    want_files+=("$(basename "$zip")")
    bin="terraform-provider-${p}_v${version}"
    [[ $plat == windows_* ]] && bin="$bin.exe"
    list_zip "$zip" | grep -qxF "$bin" || fail "$zip does not hold $bin (it holds: $(list_zip "$zip" | tr '\n' ' '))"
  done
  extra_zips="$(find "$dir" -maxdepth 1 -name '*.zip' | wc -l)"
  [ "$extra_zips" -eq ${#platforms[@]} ] || fail "$dir holds $extra_zips zips, want ${#platforms[@]}"
  if find "$dir" -maxdepth 1 -name '*.zip' | grep -v "/${prefix}_" | grep -q .; then
    fail "$dir holds zips of another provider or version"
  fi

  # SHA256SUMS: exactly the zips and the manifest, with the right sums.
  got_files="$(awk '{print $2}' "$sums" | sort)"
  [ "$got_files" = "$(printf '%s\n' "${want_files[@]}" | sort)" ] ||
    fail "$sums lists:"$'\n'"$got_files"$'\n'"want:"$'\n'"$(printf '%s\n' "${want_files[@]}" | sort)"
  while read -r sum name; do
    if [ "$name" = "${prefix}_manifest.json" ]; then
      [ "$sum" = "$manifest_sum" ] || fail "$sums: the manifest's sum is not that of terraform-registry-manifest.json"
      [ -f "$dir/$name" ] || fail "missing $dir/$name"
    fi
    [ "$(sha256 "$dir/$name")" = "$sum" ] || fail "$sums: wrong sum for $name"
  done <"$sums"

  if [ "${REQUIRE_SIGNATURE:-0}" = 1 ]; then
    [ -f "$sums.sig" ] || fail "missing $sums.sig"
    gpg --batch --verify "$sums.sig" "$sums" 2>/dev/null || fail "$sums.sig does not verify"
  fi

  # The binary for this machine reports the version it was built with.
  zip="$dir/${prefix}_${host_platform}.zip"
  if [ -f "$zip" ]; then
    tmp="$(mktemp -d)"
    extract_zip "$zip" "$tmp"
    out="$("$tmp/terraform-provider-${p}_v${version}" -version)"
    rm -rf "$tmp"
    [ "$out" = "terraform-provider-${p}_v${version} ${version}" ] ||
      fail "terraform-provider-${p}_v${version} -version printed \"$out\", want \"terraform-provider-${p}_v${version} ${version}\""
    ran="; $host_platform binary reports $version"
  else
    ran="; no $host_platform build to run"
  fi
  echo "check-release: $p $version: ${#platforms[@]} zips, SHA256SUMS, manifest ok$ran"
done
