#!/usr/bin/env bash
# Build the Istio oracle (hack/istio-oracle: pilot's in-process discovery server behind a small CLI) into
# .cache/bin/istio-oracle. The differential test (`npm run test:oracle`) runs it.
#
#   hack/build-istio-oracle.sh           # skip when up to date
#   hack/build-istio-oracle.sh --force   # rebuild anyway
#
# Up to date means: the binary exists and .cache/bin/istio-oracle.stamp holds the hash of the wrapper's go.mod,
# go.sum and Go sources and of this script. GOMODCACHE and GOCACHE keep their defaults so the machine's caches are
# shared with other builds. One link at a time (-p 2) keeps memory in bounds on small machines.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$ROOT/hack/istio-oracle"
OUT="${TRUESPLIT_BIN_DIR:-$ROOT/.cache/bin}"
STAMP="$OUT/istio-oracle.stamp"
BIN="$OUT/istio-oracle"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

now() { date +%s; }

input_hash() {
  (cd "$SRC" && cat go.mod go.sum ./*.go "$ROOT/hack/build-istio-oracle.sh" | sha256sum | cut -d' ' -f1)
}

up_to_date() {
  [[ -f "$STAMP" && -x "$BIN" ]] || return 1
  [[ "$(cat "$STAMP")" == "$(input_hash)" ]]
}

main() {
  if [[ "$FORCE" == 0 ]] && up_to_date; then
    echo "build-istio-oracle: up to date in $OUT"
    return 0
  fi
  command -v go >/dev/null || { echo "build-istio-oracle: go not found" >&2; exit 1; }
  mkdir -p "$OUT"
  rm -f "$STAMP"
  local t0
  t0="$(now)"
  echo "build-istio-oracle: $(go version), GOCACHE=$(go env GOCACHE)"
  (cd "$SRC" && go mod download)
  echo "build-istio-oracle: modules ready after $(($(now) - t0))s"
  (cd "$SRC" && go build -p 2 -trimpath -pgo=off -ldflags "-s -w" -o "$BIN.tmp" .)
  mv -f "$BIN.tmp" "$BIN"
  input_hash >"$STAMP"
  echo "build-istio-oracle: built in $(($(now) - t0))s -> $BIN"
}

main
