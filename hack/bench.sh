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

# measure NAME ARGS...: median wall time over $runs runs (timed in bash, no extra process),
# and the peak resident memory of one run (GNU time).
measure() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 # warm the page cache
  local times=() start end
  for _ in $(seq "$runs"); do
    start=$EPOCHREALTIME
    "$@" >/dev/null 2>&1
    end=$EPOCHREALTIME
    times+=("$(echo "($end - $start) * 1000" | bc -l)")
  done
  local median peak stats
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  stats=$(mktemp)
  /usr/bin/time -o "$stats" -f '%M' "$@" >/dev/null 2>&1
  peak=$(tail -1 "$stats")
  rm -f "$stats"
  printf '%-58s median %7.2f ms   peak RSS %6.1f MB   (%d runs)\n' "$name" "$median" "$(echo "$peak / 1024" | bc -l)" "$runs"
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
cargo bench --quiet --bench substitute 2>&1 | grep -E 'MB/s' 
