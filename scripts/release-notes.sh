#!/usr/bin/env bash
# Prints the CHANGELOG.md section of a version, for the GitHub release notes:
#
#   scripts/release-notes.sh v1.2.3   (or 1.2.3)
#
# Fails when CHANGELOG.md has no "## 1.2.3 (...)" section, or when it still
# says "Unreleased": a tag is released only once its section has a date.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 VERSION" >&2; exit 2; }
version="${1#v}"
heading="$(grep -E "^## ${version//./\\.} \(" CHANGELOG.md || true)"
[ -n "$heading" ] || { echo "CHANGELOG.md has no section \"## $version (<date>)\"" >&2; exit 1; }
case "$heading" in *Unreleased*) echo "CHANGELOG.md: \"$heading\": give the release its date before tagging it" >&2; exit 1 ;; esac
awk -v h="$heading" '$0 == h { on = 1; next } on && /^## / { exit } on { print }' CHANGELOG.md
