#!/usr/bin/env bash
# Lays out released provider archives as a provider mirror that Terraform and
# OpenTofu install from, until the providers are on the public registries:
#
#   scripts/mirror.sh DIST DIR
#
# DIST holds a release's files, one directory per provider (dist/jelou,
# dist/jurichat, as make release-snapshot writes them, or the files of the
# GitHub releases downloaded into such directories). DIR receives, for both
# registry hosts (registry.terraform.io for Terraform, registry.opentofu.org
# for OpenTofu):
#
#   <host>/externalsupport/<name>/terraform-provider-<name>_<version>_<os>_<arch>.zip
#       the packed layout a filesystem_mirror reads;
#   <host>/externalsupport/<name>/index.json and <version>.json
#       the provider network mirror protocol's indexes, with each archive's
#       zh: hash, so that the same directory served over HTTPS is a
#       network_mirror.
#
# Only archives listed in the provider's SHA256SUMS, with matching sums, are
# taken (verify the SHA256SUMS signature first: see README.md).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 DIST DIR" >&2; exit 2; }
dist="$1" out="$2"

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

found=0
for sums in "$dist"/*/terraform-provider-*_SHA256SUMS; do
  [ -f "$sums" ] || continue
  base="$(basename "$sums")"        # terraform-provider-<name>_<version>_SHA256SUMS
  rest="${base#terraform-provider-}"
  name="${rest%%_*}"
  version="${rest#"$name"_}" version="${version%_SHA256SUMS}"
  dir="$(dirname "$sums")"
  for host in registry.terraform.io registry.opentofu.org; do
    target="$out/$host/externalsupport/$name"
    mkdir -p "$target"
    archives=""
    while read -r sum file; do
      case "$file" in *.zip) ;; *) continue ;; esac
      [ "$(sha256 "$dir/$file")" = "$sum" ] || { echo "mirror: $dir/$file does not match $base" >&2; exit 1; }
      cp "$dir/$file" "$target/$file"
      platform="${file#terraform-provider-"${name}"_"${version}"_}" platform="${platform%.zip}"
      archives="${archives:+$archives,}\"$platform\":{\"url\":\"$file\",\"hashes\":[\"zh:$sum\"]}"
    done <"$sums"
    [ -n "$archives" ] || { echo "mirror: $sums lists no archive" >&2; exit 1; }
    printf '{"archives":{%s}}\n' "$archives" >"$target/$version.json"
    # index.json lists every version present in the directory.
    versions=""
    for v in "$target"/*.json; do
      v="$(basename "$v" .json)"
      [ "$v" = index ] || versions="${versions:+$versions,}\"$v\":{}"
    done
    printf '{"versions":{%s}}\n' "$versions" >"$target/index.json"
  done
  echo "mirror: externalsupport/$name $version"
  found=$((found + 1))
done
[ "$found" -gt 0 ] || { echo "mirror: no terraform-provider-*_SHA256SUMS under $dist/*/" >&2; exit 1; }
