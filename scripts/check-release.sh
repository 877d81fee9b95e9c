#!/usr/bin/env bash
# Checks that each provider's release is what the Terraform and OpenTofu
# registries read.
#
#   scripts/check-release.sh [DIST] [PROVIDER...]
#   scripts/check-release.sh --repo DIR PROVIDER
#   scripts/check-release.sh --emulator DIR
#
# ARCHIVES (first form; make release-snapshot, and make release-check on a
# one-platform build). DIST (default: dist) holds one goreleaser dist
# directory per provider (dist/jelou, dist/jurichat). For each provider it
# checks that the directory holds what the registry expects for one version:
#   - terraform-provider-<name>_<version>_<os>_<arch>.zip for every platform
#     of .goreleaser.yml (PLATFORMS="os_arch ..." narrows the list, for a
#     build of fewer platforms), each holding the binary
#     terraform-provider-<name>_v<version>[.exe];
#   - terraform-provider-<name>_<version>_SHA256SUMS listing exactly those
#     zips and the manifest, with matching sums;
#   - terraform-provider-<name>_<version>_manifest.json, identical to
#     terraform-registry-manifest.json;
#   - with REQUIRE_SIGNATURE=1, a valid detached SHA256SUMS.sig (gpg --verify);
# and that the binary built for this machine reports <version> with -version.
#
# REPOSITORY TREE (--repo; what scripts/provider-repo.sh assembles for the
# provider's own repository, terraform-provider-<name>): the registries read
# the docs from its docs/ at the release tag, so it checks that
#   - docs/index.md exists, and every other page is docs/<kind>/<name>.md with
#     kind resources, data-sources, ephemeral-resources, list-resources,
#     actions, functions or guides,
#     a lowercase name, and nothing else is under docs/;
#   - every page opens with YAML front matter holding page_title, is under the
#     registry's 500 KB limit, and the resource, data source and ephemeral
#     resource pages document <name>_<page> of this provider (no page of the
#     other provider);
#   - the pages are exactly docs/<name>/ of this repository (which make
#     docs-check keeps equal to the schema), and terraform-registry-manifest.json,
#     CHANGELOG.md, LICENSE and a README.md naming externalsupport/<name> are there.
#
# EMULATOR (--emulator; the set .goreleaser.emulator.yml attaches to the source
# repository's release): DIR holds, for one version,
#   - externalsupport-emulator_<version>_<os>_<arch>.tar.gz (.zip for windows)
#     for every platform (PLATFORMS narrows it, as above), each holding the
#     binary externalsupport-emulator[.exe] and LICENSE;
#   - externalsupport-emulator_<version>_SHA256SUMS listing exactly those
#     archives, with matching sums (and, with REQUIRE_SIGNATURE=1, its .sig);
# and the binary built for this machine reports <version> with -version.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-release: $*" >&2; exit 1; }

# check_repo DIR PROVIDER: the repository tree of one provider (see above).
check_repo() {
  local dir="$1" p="$2" other page rel kind name title pages=0
  case "$p" in jelou) other=jurichat ;; jurichat) other=jelou ;; *) fail "unknown provider $p" ;; esac
  [ -f "$dir/docs/index.md" ] || fail "$dir/docs/index.md is missing"
  while IFS= read -r page; do
    rel="${page#"$dir"/docs/}"
    pages=$((pages + 1))
    if [ "$rel" != index.md ]; then
      kind="${rel%%/*}" name="${rel#*/}"
      case "$kind" in resources|data-sources|ephemeral-resources|list-resources|actions|functions|guides) ;;
        *) fail "$dir/docs/$rel: the registries read only docs/index.md and docs/{resources,data-sources,ephemeral-resources,list-resources,actions,functions,guides}/*.md" ;;
      esac
      [[ $name =~ ^[a-z0-9][a-z0-9_-]*\.md$ ]] || fail "$dir/docs/$rel: want docs/$kind/<lowercase name>.md"
    fi
    [ "$(head -n1 "$page")" = "---" ] || fail "$dir/docs/$rel does not open with YAML front matter (---)"
    title="$(awk 'NR > 1 && /^---$/ { exit } NR > 1 && /^page_title:/ { sub(/^page_title: */, ""); print }' "$page")"
    [ -n "$title" ] || fail "$dir/docs/$rel: the front matter has no page_title"
    [ "$(wc -c <"$page")" -le 512000 ] || fail "$dir/docs/$rel is larger than the registry's 500 KB limit"
    case "$rel" in resources/*|data-sources/*|ephemeral-resources/*|list-resources/*|actions/*)
      name="${rel#*/}" name="${name%.md}"
      [[ $title == *"${p}_${name} "* ]] || fail "$dir/docs/$rel: page_title $title does not document ${p}_${name}" ;;
    esac
    if grep -q "^page_title: \"${other}_" "$page"; then fail "$dir/docs/$rel documents a type of the $other provider"; fi
  done < <(find "$dir/docs" -type f | sort)
  if find "$dir/docs" -mindepth 1 -type d | sed "s#^$dir/docs/##" | grep -vxE 'resources|data-sources|ephemeral-resources|list-resources|actions|functions|guides' | grep -q .; then
    fail "$dir/docs has a directory the registries do not read"
  fi
  diff -r "docs/$p" "$dir/docs" >/dev/null || fail "$dir/docs differs from docs/$p"
  cmp -s terraform-registry-manifest.json "$dir/terraform-registry-manifest.json" || fail "$dir/terraform-registry-manifest.json differs from terraform-registry-manifest.json"
  cmp -s CHANGELOG.md "$dir/CHANGELOG.md" || fail "$dir/CHANGELOG.md differs from CHANGELOG.md"
  cmp -s LICENSE "$dir/LICENSE" || fail "$dir/LICENSE differs from LICENSE (MPL-2.0)"
  grep -qF "externalsupport/$p" "$dir/README.md" 2>/dev/null || fail "$dir/README.md does not name externalsupport/$p"
  for kind in resources data-sources; do
    [ -n "$(find "$dir/docs/$kind" -name '*.md' 2>/dev/null)" ] || fail "$dir/docs/$kind has no page"
  done
  echo "check-release: terraform-provider-$p repository tree: docs/index.md and $((pages - 1)) pages at the registry's paths, manifest, changelog, license, readme ok"
}

if [ "${1:-}" = --repo ]; then
  [ $# -eq 3 ] || fail "usage: $0 --repo DIR PROVIDER"
  check_repo "$2" "$3"
  exit 0
fi

emulator_dir=
if [ "${1:-}" = --emulator ]; then
  [ $# -eq 2 ] || fail "usage: $0 --emulator DIR"
  emulator_dir="$2"
  set --
fi

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
if [ -n "${PLATFORMS:-}" ]; then
  # A build of fewer platforms (make release-check): each must be one of the
  # release's.
  for plat in $PLATFORMS; do
    [[ " ${platforms[*]} " == *" $plat "* ]] || fail "PLATFORMS: $plat is not a platform of the release"
  done
  read -r -a platforms <<<"$PLATFORMS"
fi

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

# check_emulator DIR: the emulator's release set (see above).
check_emulator() {
  local dir="$1" sums version prefix plat archive bin want_files=() tmp out ran
  sums=("$dir"/externalsupport-emulator_*_SHA256SUMS)
  [ ${#sums[@]} -eq 1 ] && [ -f "${sums[0]}" ] || fail "$dir: want exactly one externalsupport-emulator_<version>_SHA256SUMS, found: ${sums[*]}"
  sums="${sums[0]}"
  version="$(basename "$sums")" version="${version#externalsupport-emulator_}" version="${version%_SHA256SUMS}"
  prefix="externalsupport-emulator_${version}"
  archive_of() { # archive_of PLATFORM: the archive's path
    if [[ $1 == windows_* ]]; then echo "$dir/${prefix}_$1.zip"; else echo "$dir/${prefix}_$1.tar.gz"; fi
  }
  for plat in "${platforms[@]}"; do
    archive="$(archive_of "$plat")"
    [ -f "$archive" ] || fail "missing $archive"
    want_files+=("$(basename "$archive")")
  done
  [ "$(find "$dir" -maxdepth 1 \( -name '*.tar.gz' -o -name '*.zip' \) | wc -l)" -eq ${#platforms[@]} ] ||
    fail "$dir holds archives other than the ${#platforms[@]} of version $version"
  # The sums first: a damaged archive is reported as such.
  [ "$(awk '{print $2}' "$sums" | sort)" = "$(printf '%s\n' "${want_files[@]}" | sort)" ] ||
    fail "$sums does not list exactly the ${#platforms[@]} archives"
  while read -r sum name; do
    [ "$(sha256 "$dir/$name")" = "$sum" ] || fail "$sums: wrong sum for $name"
  done <"$sums"
  for plat in "${platforms[@]}"; do
    archive="$(archive_of "$plat")" bin=externalsupport-emulator
    [[ $plat == windows_* ]] && bin="$bin.exe"
    if [[ $archive == *.zip ]]; then out="$(list_zip "$archive")"; else out="$(tar -tzf "$archive")"; fi
    for f in "$bin" LICENSE; do
      grep -qxF "$f" <<<"$out" || fail "$archive does not hold $f (it holds: $(tr '\n' ' ' <<<"$out"))"
    done
  done
  if [ "${REQUIRE_SIGNATURE:-0}" = 1 ]; then
    [ -f "$sums.sig" ] || fail "missing $sums.sig"
    gpg --batch --verify "$sums.sig" "$sums" 2>/dev/null || fail "$sums.sig does not verify"
  fi
  archive="$dir/${prefix}_${host_platform}.tar.gz"
  if [ -f "$archive" ]; then
    tmp="$(mktemp -d)"
    tar -xzf "$archive" -C "$tmp"
    out="$("$tmp/externalsupport-emulator" -version)"
    rm -rf "$tmp"
    [ "$out" = "externalsupport-emulator $version" ] ||
      fail "externalsupport-emulator -version printed \"$out\", want \"externalsupport-emulator $version\""
    ran="; $host_platform binary reports $version"
  else
    ran="; no $host_platform build to run"
  fi
  echo "check-release: emulator $version: ${#platforms[@]} archives, SHA256SUMS ok$ran"
}

if [ -n "$emulator_dir" ]; then
  check_emulator "$emulator_dir"
  exit 0
fi

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
