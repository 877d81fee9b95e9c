#!/usr/bin/env bash
# Makes sure a Terraform-compatible CLI is available for the acceptance tests,
# the demo and the docs, and prints its absolute path on stdout (everything
# else goes to stderr).
#
# Order: $TF_ACC_TERRAFORM_PATH; terraform on PATH; tofu on PATH; the CLI this
# script built into .tools/bin; otherwise it builds Terraform $TERRAFORM_VERSION
# from the Go module proxy into .tools/bin/terraform, once per checkout (no
# releases site is needed). With empty Go caches (about 1 GB of modules) the
# Terraform build took 4 min 25 s to 6 min 24 s on 2 idle cores (about 8 min
# of CPU); on the same cores shared with four other test runs, 51 minutes.
#
# CLI_PREFER=tofu prefers OpenTofu even where terraform is installed: tofu on
# PATH, else .tools/bin/tofu, else OpenTofu $TOFU_VERSION is built the same way.
#
# MIN_TERRAFORM_VERSION=1.14.0 accepts only Terraform of at least that version
# (what `make generate` needs): an older or OpenTofu CLI found first, even in
# $TF_ACC_TERRAFORM_PATH, is passed over, saying so, and the pinned Terraform
# in .tools/bin is used, or built as above when it is not there yet.
#
# Environment: TERRAFORM_VERSION, TOFU_VERSION (defaults below), CLI_PREFER,
# MIN_TERRAFORM_VERSION.
# Two invocations at once do not corrupt .tools/bin: a build runs under a lock
# where flock exists, and always lands under a temporary name, then is renamed.
set -euo pipefail

TERRAFORM_VERSION="${TERRAFORM_VERSION:-v1.16.4}"
TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"

log() { printf '%s\n' "$*" >&2; }
die() { log "ensure-cli: $*"; exit 1; }

works() { [ -x "$1" ] && CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE= "$1" version >/dev/null 2>&1; }

# first_line CLI: the first line of `CLI version`, e.g. "Terraform v1.16.4".
first_line() { CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE= "$1" version 2>/dev/null | head -n1; }

# built_ok PATH PRODUCT VERSION: PATH is a CLI this script built, of the pinned
# version (an older build is replaced, not used).
built_ok() { works "$1" && [ "$(first_line "$1")" = "$2 $3" ]; }

min="${MIN_TERRAFORM_VERSION:-}"
min="${min#v}"
# at_least A B: version A >= version B (both without the leading v).
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
if [ -n "$min" ] && ! at_least "${TERRAFORM_VERSION#v}" "$min"; then
  die "MIN_TERRAFORM_VERSION=$min is newer than the Terraform this script builds ($TERRAFORM_VERSION): raise TERRAFORM_VERSION"
fi
too_old="" # the CLIs passed over for MIN_TERRAFORM_VERSION, for the message

# usable CLI: it runs and, with MIN_TERRAFORM_VERSION, is Terraform of at least that version.
usable() {
  works "$1" || return 1
  [ -n "$min" ] || return 0
  local id v
  id="$(first_line "$1")" v="${id#Terraform v}"
  if [ "${id#Terraform v}" != "$id" ] && at_least "${v%%[-+]*}" "$min"; then
    return 0
  fi
  log "ensure-cli: $1 is ${id:-an unknown CLI}; Terraform $min or later is needed here (MIN_TERRAFORM_VERSION), so it is not used"
  too_old+="$1 (${id:-unknown}) "
  return 1
}

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  if usable "$TF_ACC_TERRAFORM_PATH"; then
    echo "$TF_ACC_TERRAFORM_PATH"
    exit 0
  fi
  works "$TF_ACC_TERRAFORM_PATH" ||
    log "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH does not run; looking for another CLI"
fi

prefer_tofu=false
[ "${CLI_PREFER:-}" = "tofu" ] && [ -z "$min" ] && prefer_tofu=true

candidates=()
if ! $prefer_tofu; then
  p="$(command -v terraform || true)"; [ -n "$p" ] && candidates+=("$p")
fi
if [ -z "$min" ]; then
  p="$(command -v tofu || true)"; [ -n "$p" ] && candidates+=("$p")
fi
for c in ${candidates[@]+"${candidates[@]}"}; do
  [ "$c" != "${TF_ACC_TERRAFORM_PATH:-}" ] || continue # already tried
  if usable "$c"; then
    echo "$c"
    exit 0
  fi
done

if $prefer_tofu; then
  product=OpenTofu name=tofu version="$TOFU_VERSION" module=github.com/opentofu/opentofu pkg=./cmd/tofu
  ldflags="-s -w -X 'github.com/opentofu/opentofu/version.dev=no'"
else
  product=Terraform name=terraform version="$TERRAFORM_VERSION" module=github.com/hashicorp/terraform pkg=.
  ldflags="-s -w -X 'github.com/hashicorp/terraform/version.dev=no'"
fi
target="$bin/$name"
if built_ok "$target" "$product" "$version"; then
  [ -z "$too_old" ] || log "ensure-cli: using $product $version from $target instead"
  echo "$target"
  exit 0
fi

if [ -n "$too_old" ]; then
  command -v go >/dev/null || die "no Terraform $min or later is installed (found: ${too_old% }), and go, needed to build $product $version, is not on PATH"
fi
command -v go >/dev/null || die "no terraform or tofu is installed, and go, needed to build $product $version, is not on PATH"
mkdir -p "$bin"

# One build at a time per checkout: a second invocation waits for the first
# and then uses its result.
if command -v flock >/dev/null; then
  exec 9>"$bin/.$name.lock"
  if ! flock -n 9; then
    log "Another invocation is building $product $version into $target; waiting for it..."
    flock 9
  fi
  if built_ok "$target" "$product" "$version"; then
    echo "$target"
    exit 0
  fi
fi

if [ -e "$target" ]; then
  log "$target is $(first_line "$target" || true), not $product $version: building $product $version to replace it."
fi

buildlog="$root/.tools/build-$name-$version.log"
work="$(mktemp -d "${TMPDIR:-/tmp}/ensure-cli.XXXXXX")"
build_pid=""
cleanup() {
  if [ -n "$build_pid" ]; then kill "$build_pid" 2>/dev/null || true; fi
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
  rm -f "$target.tmp.$$"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if $prefer_tofu; then
  log "CLI_PREFER=tofu and no tofu is installed: building $product $version from the Go module proxy into $target."
elif [ -n "$too_old" ]; then
  log "No Terraform $min or later is installed (found: ${too_old% }): building $product $version from the Go module proxy into $target."
else
  log "No terraform or tofu is installed: building $product $version from the Go module proxy into $target."
fi
log "This happens once per checkout: with empty Go caches (about 1 GB of modules) about 4 to 7 minutes"
log "on 2 idle cores (about 8 min of CPU), much longer on a busy machine."
log "Go's output goes to $buildlog; the CPU time used is shown at the end."
start=$SECONDS
: >"$buildlog"

# run_logged WHAT CMD...: runs CMD with its output in the build log, printing
# a line every 30 s while it runs; on failure prints the log's tail and exits.
run_logged() {
  local what="$1"; shift
  "$@" >>"$buildlog" 2>&1 &
  build_pid=$!
  local next=$((SECONDS + 30))
  while kill -0 "$build_pid" 2>/dev/null; do
    sleep 1
    if [ "$SECONDS" -ge "$next" ]; then
      local mods
      mods="$(grep -c '^go: downloading' "$buildlog" || true)"
      log "  still building $product $version ($((SECONDS - start))s; $what; $mods modules downloaded so far)"
      next=$((SECONDS + 30))
    fi
  done
  local rc=0
  wait "$build_pid" || rc=$?
  build_pid=""
  if [ "$rc" -ne 0 ]; then
    log "ensure-cli: $what failed (exit $rc) after $((SECONDS - start))s. The end of $buildlog, without its download lines:"
    grep -v '^go: downloading' "$buildlog" | tail -n 40 >&2
    exit "$rc"
  fi
}

# The module's source, from the proxy (the module cache is read-only: copy it).
log "  downloading $module@$version"
json="$work/module.json"
(cd "$work" && GOFLAGS="${GOFLAGS:-}" go mod download -json "$module@$version") >"$json" 2>>"$buildlog" ||
  { cat "$json" >>"$buildlog"; log "ensure-cli: could not download $module@$version:"; tail -n 20 "$buildlog" >&2; exit 1; }
src="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' "$json")"
[ -n "$src" ] && [ -d "$src" ] || die "go mod download -json $module@$version gave no source directory: $(cat "$json")"
mkdir "$work/src"
cp -R "$src/." "$work/src/"
chmod -R u+w "$work/src"

# prepare_terraform DIR: the module zip of Terraform lacks the folders of ten
# modules its go.mod replaces with local paths (nine state backends and
# internal/legacy), so `go build` cannot resolve them. Drop those replace
# directives and requirements, and the backends' imports and registrations in
# internal/backend/init/init.go; the local, remote, cloud, http and inmem
# backends stay. Any difference from what this expects fails the build,
# naming it, rather than building something else.
prepare_terraform() {
  local dir="$1" gomod="$1/go.mod" initgo="$1/internal/backend/init/init.go"
  local expected="internal/backend/remote-state/azure internal/backend/remote-state/consul
internal/backend/remote-state/cos internal/backend/remote-state/gcs internal/backend/remote-state/kubernetes
internal/backend/remote-state/oci internal/backend/remote-state/oss internal/backend/remote-state/pg
internal/backend/remote-state/s3 internal/legacy"
  expected="$(printf '%s\n' $expected | sort)"
  [ -f "$gomod" ] || die "$module@$version has no go.mod"
  [ -f "$initgo" ] || die "$module@$version has no internal/backend/init/init.go: the backend registry moved; update prepare_terraform in $0"

  # Local replacements whose folder the module zip left out.
  local missing="" line mod path
  while IFS= read -r line; do
    if [[ "$line" =~ ^replace[[:space:]]+([^[:space:]]+)[[:space:]]+=\>[[:space:]]+\./([^[:space:]]+)[[:space:]]*$ ]]; then
      mod="${BASH_REMATCH[1]}" path="${BASH_REMATCH[2]}"
      [ "$mod" = "github.com/hashicorp/terraform/$path" ] || die "go.mod replaces $mod with ./$path, which does not follow the expected pattern"
      [ -d "$dir/$path" ] || missing+="$path"$'\n'
    elif [[ "$line" == *"=> ./"* ]]; then
      die "go.mod has a local replacement in a form this script does not handle: $line"
    fi
  done <"$gomod"
  missing="$(printf '%s' "$missing" | sort)"
  if [ "$missing" != "$expected" ]; then
    log "ensure-cli: $module@$version is not laid out as expected: its go.mod's local replacements"
    log "without a folder in the module zip differ from the ten this script drops."
    log "  expected but not found: $(comm -23 <(printf '%s\n' "$expected") <(printf '%s\n' "$missing") | tr '\n' ' ')"
    log "  found but not expected: $(comm -13 <(printf '%s\n' "$expected") <(printf '%s\n' "$missing") | tr '\n' ' ')"
    die "update prepare_terraform in $0 for $version"
  fi

  local p n
  for p in $missing; do
    mod="github.com/hashicorp/terraform/$p"
    n="$(grep -cE "^[[:space:]]*(require[[:space:]]+)?${mod//./\\.}[[:space:]]+v" "$gomod" || true)"
    [ "$n" = 1 ] || die "go.mod requires $mod $n times, expected once"
    grep -vE "^[[:space:]]*(require[[:space:]]+)?${mod//./\\.}[[:space:]]+v|^replace[[:space:]]+${mod//./\\.}[[:space:]]" "$gomod" >"$gomod.new"
    mv "$gomod.new" "$gomod"

    case "$p" in internal/backend/remote-state/*) ;; *) continue ;; esac
    local alias
    alias="$(sed -n "s#^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*\"${mod}\"[[:space:]]*\$#\1#p" "$initgo")"
    [ -n "$alias" ] && [ "$(printf '%s\n' "$alias" | wc -l)" = 1 ] ||
      die "internal/backend/init/init.go does not import $mod under a name exactly once"
    n="$(grep -cE "(^|[^A-Za-z0-9_])$alias\." "$initgo" || true)"
    [ "$n" = 1 ] || die "internal/backend/init/init.go uses $alias (for $p) $n times, expected one registration"
    grep -vE "\"${mod//./\\.}\"|(^|[^A-Za-z0-9_])$alias\." "$initgo" >"$initgo.new"
    mv "$initgo.new" "$initgo"
  done

  # Nothing the build compiles may still import a dropped module.
  local users=""
  for p in $missing; do
    users+="$(grep -rl --include='*.go' --exclude='*_test.go' "\"github.com/hashicorp/terraform/$p[\"/]" "$dir" || true)"
  done
  [ -z "$users" ] || die "still imported after the edit, by: $(printf '%s' "$users" | sed "s#$dir/##" | sort -u | tr '\n' ' ')"
}

if [ "$name" = terraform ]; then
  prepare_terraform "$work/src"
fi

log "  compiling $product $version (go build; progress every 30s)"
tmp="$target.tmp.$$"
cd "$work/src"
run_logged "go build" env CGO_ENABLED=0 GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" \
  go build -trimpath -ldflags "$ldflags" -o "$tmp" "$pkg"
cd "$root"
[ "$(first_line "$tmp")" = "$product $version" ] ||
  die "the build at $tmp says \"$(first_line "$tmp" || true)\", not \"$product $version\""
mv -f "$tmp" "$target"
times >"$work/times" # in this shell, not a subshell: its second line is the children's CPU time
cpu="$(tail -n1 "$work/times")"
log "Built $product $version at $target in $((SECONDS - start))s (CPU used, user and system: ${cpu/ / and })."
echo "$target"
