#!/usr/bin/env bash
# Speed and memory figures of capictl (release build). Prints, for each scenario, the median
# wall time over several runs and the peak resident memory, and the substitution throughput.
#   hack/bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Build everything first: HOME changes below, and cargo needs the real one.
cargo build --release --quiet --bin capictl --example github_standin
cargo bench --quiet --bench substitute --no-run 2>/dev/null
bench_substitute=$(ls -t "$root"/target/release/deps/substitute-* | grep -v '\.d$' | head -1)
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

echo "== provider sources: core, kubeadm bootstrap, kubeadm control plane, docker (latest) from the GitHub stand-in"
standin_out=$(mktemp)
"$root/target/release/examples/github_standin" --repo-dir testdata/repository --ignore-stdin >"$standin_out" &
standin_pid=$!
trap 'kill $standin_pid 2>/dev/null; rm -rf "$home" "$standin_out"' EXIT
for _ in $(seq 100); do [ -s "$standin_out" ] && break; sleep 0.1; done
url=$(head -1 "$standin_out")
host=${url#http://}
cat >"$home/clusterctl.yaml" <<YAML
github-hosts: [$host]
providers:
- {name: cluster-api, type: CoreProvider, url: $url/kubernetes-sigs/cluster-api/releases/latest/core-components.yaml}
- {name: kubeadm, type: BootstrapProvider, url: $url/kubernetes-sigs/cluster-api/releases/latest/bootstrap-components.yaml}
- {name: kubeadm, type: ControlPlaneProvider, url: $url/kubernetes-sigs/cluster-api/releases/latest/control-plane-components.yaml}
- {name: docker, type: InfrastructureProvider, url: $url/kubernetes-sigs/cluster-api/releases/latest/infrastructure-components-development.yaml}
YAML
export GOPROXY=$url
all_four() {
  for p in "--core cluster-api" "--bootstrap kubeadm" "--control-plane kubeadm" "--infrastructure docker"; do
    # shellcheck disable=SC2086
    "$bin" generate provider --config "$home/clusterctl.yaml" $p >/dev/null
  done
}
counts() {
  curl -s "$url/_standin/counts" | python3 -c 'import json,sys; c=json.load(sys.stdin); print("api %d, proxy %d (%d answered 304), download %d (%d answered 304)" % (c["api"], c["proxy"], c["proxy_not_modified"], c["download"], c["download_not_modified"]))'
  curl -s -X POST "$url/_standin/reset" >/dev/null
}
all_four; printf '%-40s %s\n' "cold cache:" "$(counts)"
all_four; printf '%-40s %s\n' "warm cache, within the TTL:" "$(counts)"
CAPICTL_CACHE_TTL=0s all_four; printf '%-40s %s\n' "warm cache, past the TTL:" "$(counts)"
measure "warm generate provider --infrastructure docker" "$bin" generate provider --config "$home/clusterctl.yaml" --infrastructure docker
measure "warm generate provider --core cluster-api (1.1 MB)" "$bin" generate provider --config "$home/clusterctl.yaml" --core cluster-api
counts >/dev/null

echo "== substitution throughput"
(cd "$root" && "$bench_substitute" 2>&1 | grep -E 'MB/s')
