#!/usr/bin/env bash
# Speed and memory figures of capictl (release build). Prints, for each scenario, the median
# wall time over several runs and the peak resident memory, and the substitution throughput.
#   hack/bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --quiet
bin="$root/target/release/capictl"
runs=${RUNS:-15}
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" CLUSTERCTL_DISABLE_VERSIONCHECK=true
unset KUBECONFIG

# measure NAME ARGS...: median wall time (ms) and max peak RSS (MB) over $runs runs.
measure() {
  local name=$1; shift
  local times=() peak=0
  for _ in $(seq "$runs"); do
    local out
    out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
    local rss=${out#* }
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%-58s median %7.2f ms   peak RSS %6.1f MB   (%d runs)\n' "$name" "$(echo "$median / 1000" | bc -l)" "$(echo "$peak / 1024" | bc -l)" "$runs"
}

echo "== generate (local repository, testdata/)"
measure "generate cluster (development + clusterclass-quick-start)" \
  "$bin" generate cluster demo --config testdata/clusterctl.yaml -i docker:v1.13.5 -f development \
  --kubernetes-version v1.35.0 -n default
measure "generate cluster --from clusterclass-quick-start.yaml" \
  "$bin" generate cluster demo --from testdata/repository/infrastructure-docker/v1.13.5/clusterclass-quick-start.yaml -n default
measure "generate provider --core cluster-api (latest, 1.1 MB)" \
  "$bin" generate provider --config testdata/clusterctl.yaml --core cluster-api

echo "== substitution throughput"
cargo bench --quiet --bench substitute 2>/dev/null | grep -v '^$'
