#!/usr/bin/env bash
# Fetches the official Argo Rollouts CRDs from the github.com/argoproj/argo-rollouts Go module (through the Go module
# proxy) into .cache/argo-crds/, for the e2e test that runs truesplit against Argo's own Rollout CRD.
# Only the module zip is needed: `go mod download` may refuse to *use* the module with this Go toolchain (its go.mod
# asks for a newer patch release) but still leaves the verified zip in the module cache.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${ARGO_ROLLOUTS_VERSION:-v1.10.2}"
MODULE=github.com/argoproj/argo-rollouts
OUT=.cache/argo-crds
if [[ -f "$OUT/$VERSION/rollout-crd.yaml" ]]; then
  echo "$PWD/$OUT/$VERSION"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$MODULE@$VERSION" >"$work/download.json" 2>&1) || true
zip="$(go env GOMODCACHE)/cache/download/$MODULE/@v/$VERSION.zip"
if [[ ! -f "$zip" ]]; then
  echo "fetch-argo-crds: could not download $MODULE@$VERSION:" >&2
  cat "$work/download.json" >&2
  exit 1
fi
(cd "$work" && unzip -q -o "$zip" "$MODULE@$VERSION/manifests/crds/rollout-crd.yaml")
mkdir -p "$OUT/$VERSION"
cp "$work/$MODULE@$VERSION/manifests/crds/rollout-crd.yaml" "$OUT/$VERSION/"
echo "$PWD/$OUT/$VERSION"
