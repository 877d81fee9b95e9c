#!/usr/bin/env bash
# Runs every Go fuzz target of the product packages (./internal/...), one
# after the other, each for FUZZTIME (default 20s; Go's -fuzztime syntax, so
# 1000x is a count of inputs). FUZZ selects targets by regular expression
# (default: all). FUZZPARALLEL sets the fuzzing workers (default: one per
# CPU). A finding fails the run after the remaining targets have run: Go
# writes the input under the package's testdata/fuzz/<Target>/, and the
# summary says how to run it again. Commit that file with the fix, as a
# regression seed: plain `go test` replays it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
fuzztime="${FUZZTIME:-20s}"
select="${FUZZ:-.}"
parallel=()
[ -n "${FUZZPARALLEL:-}" ] && parallel=(-parallel "$FUZZPARALLEL")

targets=() # "package target"
for pkg in $(go list ./internal/...); do
  for name in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    [[ "$name" =~ $select ]] && targets+=("$pkg $name")
  done
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "no fuzz target matches FUZZ=$select" >&2
  exit 1
fi
echo "${#targets[@]} fuzz targets, ${fuzztime} each"

failed=()
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
start=$SECONDS
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  dir="$(go list -f '{{.Dir}}' "$pkg")"
  echo "=== $name ($pkg)"
  t0=$SECONDS
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime="$fuzztime" "${parallel[@]}" "$pkg" 2>&1 | tee "$out"; then
    echo "=== $name: no finding in $((SECONDS - t0))s"
  else
    failed+=("$name ($pkg)")
    echo "=== $name: FAILED after $((SECONDS - t0))s"
    # Go names the input it wrote: "Failing input written to testdata/fuzz/<Target>/<id>".
    for f in $(sed -n 's/.*Failing input written to \(testdata\/fuzz\/[^ ]*\).*/\1/p' "$out"); do
      echo "    input: ${dir#"$root"/}/$f"
      echo "    reproduce: go test -count=1 -run '^${name}/${f##*/}\$' $pkg"
    done
  fi
done
echo "fuzzing took $((SECONDS - start))s"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz finding in %s\n' "${failed[@]}" >&2
  echo "Fix the code, keep the input file under testdata/fuzz/ as a regression seed, and commit both." >&2
  exit 1
fi
