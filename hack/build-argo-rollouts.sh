#!/usr/bin/env bash
# Build Argo Rollouts' controller (rollouts-controller) from the pinned Go
# wrapper module in hack/argo-rollouts into .cache/bin/, for bench:vs-argo.
#
#   hack/build-argo-rollouts.sh           # skip when up to date
#   hack/build-argo-rollouts.sh --force   # rebuild anyway
#
# The wrapper requires github.com/argoproj/argo-rollouts and names its
# cmd/rollouts-controller package as a tool, so the binary is built from the
# upstream main package unchanged. Up to date means: the binary exists and
# .cache/bin/argo-rollouts.stamp holds the hash of the wrapper's go.mod and
# go.sum and of this script. GOMODCACHE and GOCACHE keep their defaults so the
# machine's caches are shared with other builds.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$ROOT/hack/argo-rollouts"
OUT="${TRUESPLIT_BIN_DIR:-$ROOT/.cache/bin}"
STAMP="$OUT/argo-rollouts.stamp"
BIN=rollouts-controller
PKG=github.com/argoproj/argo-rollouts
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

# Argo Rollouts v1.10.2 needs a newer Go than the machine's; the go command
# fetches this toolchain like a module.
export GOTOOLCHAIN=go1.27.3
export CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

now() { date +%s; }

input_hash() {
  (cd "$SRC" && cat go.mod go.sum "$ROOT/hack/build-argo-rollouts.sh" | sha256sum | cut -d' ' -f1)
}

up_to_date() {
  [[ -f "$STAMP" ]] || return 1
  [[ "$(cat "$STAMP")" == "$(input_hash)" ]] || return 1
  [[ -x "$OUT/$BIN" ]]
}

ldflags() {
  local v
  v="$(sed -n "s|^\t$PKG \(v[^ ]*\).*|\1|p" "$SRC/go.mod")"
  echo "-s -w -X $PKG/utils/version.version=${v#v} -X $PKG/utils/version.gitTreeState=clean"
}

main() {
  if [[ "$FORCE" == 0 ]] && up_to_date; then
    echo "build-argo-rollouts: up to date in $OUT"
    return 0
  fi
  command -v go >/dev/null || { echo "build-argo-rollouts: go not found" >&2; exit 1; }
  mkdir -p "$OUT"
  rm -f "$STAMP"
  local t0
  t0="$(now)"
  echo "build-argo-rollouts: $(cd "$SRC" && go version), GOCACHE=$(go env GOCACHE)"
  (cd "$SRC" && go mod download)
  echo "build-argo-rollouts: modules ready after $(($(now) - t0))s"
  (cd "$SRC" && go build -p 2 -trimpath -ldflags "$(ldflags)" -o "$OUT/$BIN.tmp" "$PKG/cmd/$BIN")
  mv -f "$OUT/$BIN.tmp" "$OUT/$BIN"
  input_hash >"$STAMP"
  echo "build-argo-rollouts: done in $(($(now) - t0))s -> $OUT"
}

main
