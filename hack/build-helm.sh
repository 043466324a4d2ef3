#!/usr/bin/env bash
# Build helm from the pinned Go wrapper module in hack/helm into .cache/bin/,
# for the chart checks (helm lint, helm template).
#
#   hack/build-helm.sh           # skip when up to date
#   hack/build-helm.sh --force   # rebuild anyway
#
# The wrapper requires helm.sh/helm/v3 and names its cmd/helm package as a
# tool, so the binary is built from the upstream main package unchanged. Up to
# date means: the binary exists and .cache/bin/helm.stamp holds the hash of the
# wrapper's go.mod and go.sum and of this script. GOMODCACHE and GOCACHE keep
# their defaults so the machine's caches are shared with other builds.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$ROOT/hack/helm"
OUT="${TRUESPLIT_BIN_DIR:-$ROOT/.cache/bin}"
STAMP="$OUT/helm.stamp"
BIN=helm
PKG=helm.sh/helm/v3
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

now() { date +%s; }

input_hash() {
  (cd "$SRC" && cat go.mod go.sum "$ROOT/hack/build-helm.sh" | sha256sum | cut -d' ' -f1)
}

up_to_date() {
  [[ -f "$STAMP" ]] || return 1
  [[ "$(cat "$STAMP")" == "$(input_hash)" ]] || return 1
  [[ -x "$OUT/$BIN" ]]
}

ldflags() {
  local v
  v="$(sed -n "s|^\t$PKG \(v[^ ]*\).*|\1|p" "$SRC/go.mod")"
  echo "-s -w -X $PKG/internal/version.version=$v -X $PKG/internal/version.gitTreeState=clean"
}

main() {
  if [[ "$FORCE" == 0 ]] && up_to_date; then
    echo "build-helm: up to date in $OUT"
    return 0
  fi
  command -v go >/dev/null || { echo "build-helm: go not found" >&2; exit 1; }
  mkdir -p "$OUT"
  rm -f "$STAMP"
  local t0
  t0="$(now)"
  echo "build-helm: $(cd "$SRC" && go version), GOCACHE=$(go env GOCACHE)"
  (cd "$SRC" && go mod download)
  echo "build-helm: modules ready after $(($(now) - t0))s"
  (cd "$SRC" && go build -p 2 -trimpath -ldflags "$(ldflags)" -o "$OUT/$BIN.tmp" "$PKG/cmd/$BIN")
  mv -f "$OUT/$BIN.tmp" "$OUT/$BIN"
  input_hash >"$STAMP"
  echo "build-helm: done in $(($(now) - t0))s -> $OUT"
}

main
