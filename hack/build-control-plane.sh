#!/usr/bin/env bash
# Build the e2e control plane (etcd, kube-apiserver, kube-controller-manager)
# from the pinned Go wrapper module in hack/kubebins into .cache/bin/.
#
#   hack/build-control-plane.sh           # skip when up to date
#   hack/build-control-plane.sh --force   # rebuild anyway
#
# Up to date means: every binary exists and .cache/bin/kubebins.stamp holds
# the hash of the wrapper's go.mod, go.sum and mains and of this script. GOMODCACHE and GOCACHE
# keep their defaults so the machine's caches are shared with other builds.
# Binaries are linked one at a time (-p 2): each link needs 2-3 GB of RAM.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$ROOT/hack/kubebins"
OUT="${TRUESPLIT_BIN_DIR:-$ROOT/.cache/bin}"
STAMP="$OUT/kubebins.stamp"
BINS=(etcd kube-apiserver kube-controller-manager)
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

now() { date +%s; }

input_hash() {
  (cd "$SRC" && cat go.mod go.sum cmd/*/main.go "$ROOT/hack/build-control-plane.sh" | sha256sum | cut -d' ' -f1)
}

up_to_date() {
  local b
  [[ -f "$STAMP" ]] || return 1
  [[ "$(cat "$STAMP")" == "$(input_hash)" ]] || return 1
  for b in "${BINS[@]}"; do [[ -x "$OUT/$b" ]] || return 1; done
}

ldflags() {
  local v minor
  v="$(sed -n 's|^\tk8s.io/kubernetes \(v[^ ]*\).*|\1|p' "$SRC/go.mod")"
  minor="$(echo "$v" | cut -d. -f2)"
  echo "-s -w" \
    "-X k8s.io/component-base/version.gitVersion=$v" \
    "-X k8s.io/component-base/version.gitMajor=1" \
    "-X k8s.io/component-base/version.gitMinor=$minor" \
    "-X k8s.io/component-base/version.gitTreeState=clean" \
    "-X k8s.io/client-go/pkg/version.gitVersion=$v"
}

build_one() {
  local name="$1" t0
  t0="$(now)"
  (cd "$SRC" && go build -p 2 -trimpath -pgo=off \
    -tags selinux,notest,grpcnotrace -ldflags "$(ldflags)" \
    -o "$OUT/$name.tmp" "./cmd/$name")
  mv -f "$OUT/$name.tmp" "$OUT/$name"
  echo "build-control-plane: $name built in $(($(now) - t0))s"
}

main() {
  if [[ "$FORCE" == 0 ]] && up_to_date; then
    echo "build-control-plane: up to date in $OUT"
    return 0
  fi
  command -v go >/dev/null || { echo "build-control-plane: go not found" >&2; exit 1; }
  mkdir -p "$OUT"
  rm -f "$STAMP"
  local t0 b
  t0="$(now)"
  echo "build-control-plane: $(go version), GOCACHE=$(go env GOCACHE)"
  (cd "$SRC" && go mod download)
  echo "build-control-plane: modules ready after $(($(now) - t0))s"
  for b in "${BINS[@]}"; do build_one "$b"; done
  input_hash >"$STAMP"
  echo "build-control-plane: done in $(($(now) - t0))s -> $OUT"
}

main
