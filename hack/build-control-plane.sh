#!/usr/bin/env bash
# Builds the binaries of the test management cluster from the Go module proxy and caches them:
#   ~/.cache/capictl/control-plane/<k8s-version>/kube-apiserver
#   ~/.cache/capictl/control-plane/etcd-<etcd-version>/etcd
# and, when asked (`--clusterctl`), upstream clusterctl for interoperability checks:
#   ~/.cache/capictl/clusterctl/<version>/clusterctl
# A second run with the binaries present does nothing. Prints the cache directory of each binary.
set -euo pipefail

KUBE_VERSION=${CAPICTL_KUBE_VERSION:-v1.35.4}
ETCD_VERSION=${CAPICTL_ETCD_VERSION:-v3.6.16}
CLUSTERCTL_VERSION=${CAPICTL_CLUSTERCTL_VERSION:-v1.13.5}
CACHE=${CAPICTL_CONTROL_PLANE_CACHE:-$HOME/.cache/capictl}

want_clusterctl=0
for arg in "$@"; do
  case "$arg" in
    --clusterctl) want_clusterctl=1 ;;
    *) echo "usage: $0 [--clusterctl]" >&2; exit 2 ;;
  esac
done

command -v go >/dev/null || { echo "error: go is required to build the control plane (install Go >= 1.24)" >&2; exit 1; }
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0

# Bump when the way a binary is built changes, so that cached binaries are rebuilt.
RECIPE=2

# build_main MODULE VERSION PACKAGE OUTPUT STAGING_VERSION [LDFLAGS]
# Builds PACKAGE (a main package inside MODULE@VERSION) in a throw-away module that requires MODULE
# and turns each of MODULE's local `replace` directives (staging/ or ../ paths) into a replace by the
# published module at STAGING_VERSION, which is how those modules are released.
build_main() {
  local module=$1 version=$2 package=$3 output=$4 staging_version=$5 ldflags=${6:-}
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  (
    cd "$work"
    go mod download -json "$module@$version" > info.json
    local gomod
    gomod=$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p' info.json)
    {
      echo "module capictl.local/build"
      echo
      echo "go 1.24"
      echo
      echo "require $module $version"
      echo
      # Lines such as `k8s.io/api => ./staging/src/k8s.io/api` or `go.etcd.io/etcd/api/v3 => ../api`
      # (single or inside a replace block); `=> ./FORBIDDEN_DEPENDENCY` guards are not modules.
      sed -n -E 's/^[[:space:]]*(replace[[:space:]]+)?([^[:space:]]+)[[:space:]]+=>[[:space:]]+(\.\.\/|\.\/staging\/).*$/\2/p' "$gomod" |
        sort -u | while read -r dep; do
          echo "replace $dep => $dep $staging_version"
        done
    } > go.mod
    echo "package main" > main.go
    go build -trimpath -ldflags "-s -w $ldflags" -o "$output.tmp" "$package"
    mv "$output.tmp" "$output"
    echo "$RECIPE" >"$output.recipe"
  )
}

# A binary is current when it exists and was built by this recipe.
current() { [ -x "$1" ] && [ "$(cat "$1.recipe" 2>/dev/null)" = "$RECIPE" ]; }

apiserver_dir="$CACHE/control-plane/$KUBE_VERSION"
if ! current "$apiserver_dir/kube-apiserver"; then
  mkdir -p "$apiserver_dir"
  echo "building kube-apiserver $KUBE_VERSION from the Go module proxy (several minutes on 2 cores)" >&2
  minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  # Without these the server reports v0.0.0-master and clients (clusterctl, kubectl, capictl)
  # refuse it as too old.
  version_flags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    version_flags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  build_main k8s.io/kubernetes "$KUBE_VERSION" k8s.io/kubernetes/cmd/kube-apiserver \
    "$apiserver_dir/kube-apiserver" "v0.${KUBE_VERSION#v1.}" "$version_flags"
fi
echo "$apiserver_dir"

etcd_dir="$CACHE/control-plane/etcd-$ETCD_VERSION"
if [ ! -x "$etcd_dir/etcd" ]; then
  # etcd's version comes from its own constants; no recipe stamp is needed.
  mkdir -p "$etcd_dir"
  echo "building etcd $ETCD_VERSION from the Go module proxy" >&2
  build_main go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3 "$etcd_dir/etcd" "$ETCD_VERSION"
fi
echo "$etcd_dir"

if [ "$want_clusterctl" = 1 ]; then
  clusterctl_dir="$CACHE/clusterctl/$CLUSTERCTL_VERSION"
  if [ ! -x "$clusterctl_dir/clusterctl" ]; then
    mkdir -p "$clusterctl_dir"
    echo "building clusterctl $CLUSTERCTL_VERSION from the Go module proxy" >&2
    GOBIN="$clusterctl_dir" go install -trimpath \
      -ldflags "-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=$CLUSTERCTL_VERSION -X sigs.k8s.io/cluster-api/version.gitMajor=1 -X sigs.k8s.io/cluster-api/version.gitMinor=13" \
      "sigs.k8s.io/cluster-api/cmd/clusterctl@$CLUSTERCTL_VERSION"
  fi
  echo "$clusterctl_dir"
fi
