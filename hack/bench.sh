#!/usr/bin/env bash
# Speed and memory figures of capictl (release build). Prints, for each scenario, the median
# wall time over several runs and the peak resident memory, and the substitution throughput;
# then `init` on a real local control plane side by side with upstream clusterctl v1.13.5; and,
# when asked, `move` of a realistic workload between two control planes, side by side with
# clusterctl v1.13.5 and with the floor (the least any client could do).
#   hack/bench.sh          everything but move (move too with BENCH_MOVE=1: it takes ~30 minutes,
#                          most of it clusterctl moving 100 clusters)
#   hack/bench.sh init     only the init section
#   hack/bench.sh move     only the move section
# Environment:
#   RUNS=15         runs per generate / provider-source scenario
#   INIT_RUNS=3     init runs per tool (each on a fresh control plane)
#   BENCH_INIT=0    skip the init section (otherwise it is skipped, with a message, when the
#                   control-plane or clusterctl binaries are missing; with BENCH_INIT=1 or
#                   `hack/bench.sh init` that is an error)
#   INIT_SETTLE=1   seconds a fresh control plane is left alone before a run
#   BENCH_MOVE=1    include the move section in `hack/bench.sh`
#   MOVE_SIZES="10 100 500"   workload sizes, in clusters of 25 objects, of the move section
#   MOVE_CLUSTERCTL_MAX=100   largest size clusterctl also moves (it sends ~20 requests a second:
#                             ~15 minutes for 100 clusters)
#   MOVE_TIMEOUT=3600  seconds after which a move is stopped and reported as failed
#   MOVE_SETTLE=2   seconds the control planes are left alone between creating the workload and
#                   the measured move
#   CARGO_TARGET_DIR  where cargo builds (default ./target); the binaries are copied from there
#                   before any run, so a build elsewhere cannot swap them mid-benchmark
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-all}
case "$mode" in
  all | init | move) ;;
  *) echo "usage: $0 [init|move]" >&2; exit 2 ;;
esac
bench_move_too=0
if [ "$mode" = move ] || { [ "$mode" = all ] && [ "${BENCH_MOVE:-}" = 1 ]; }; then
  bench_move_too=1
fi
target_dir=${CARGO_TARGET_DIR:-target}
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
# The control-plane binaries and clusterctl live under the real HOME, which changes below.
export CAPICTL_CONTROL_PLANE_CACHE=${CAPICTL_CONTROL_PLANE_CACHE:-$HOME/.cache/capictl}
# Build everything first: HOME changes below, and cargo needs the real one.
if [ "$mode" = all ]; then
  cargo build --release --quiet --bin capictl --example github_standin
  cargo bench --quiet --bench substitute --no-run 2>/dev/null
  # The newest substitute-<hash> executable (cargo leaves older ones and .d files next to it).
  substitute_bin=$(find "$target_dir/release/deps" -maxdepth 1 -type f -name 'substitute-*' ! -name '*.d' \
    -printf '%T@ %p\n' | sort -rn | head -1 | cut -d' ' -f2-)
else
  cargo build --release --quiet --bin capictl
fi
[ "$bench_move_too" = 0 ] || cargo build --release --quiet --example move_workload
runs=${RUNS:-15}
home=$(mktemp -d)
mkdir -p "$home/bin"
cp "$target_dir/release/capictl" "$home/bin/"
bin="$home/bin/capictl"
if [ "$mode" = all ]; then
  cp "$target_dir/release/examples/github_standin" "$home/bin/"
fi
if [ "$bench_move_too" = 1 ]; then
  cp "$target_dir/release/examples/move_workload" "$home/bin/"
fi
# Everything started below is registered here and undone on exit, whatever the exit status.
standin_pid=""
clusters=() # control planes to stop
cleanup() {
  local name
  [ -z "$standin_pid" ] || kill "$standin_pid" 2>/dev/null || true
  for name in ${clusters[@]+"${clusters[@]}"}; do
    "$root/hack/control-plane.sh" stop "$name" >/dev/null 2>&1 || true
  done
  rm -rf "$home"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
real_path=$PATH
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

bench_generate() {
  echo "== generate (local repository, testdata/)"
  measure "generate cluster (development + clusterclass-quick-start)" \
    "$bin" generate cluster demo --config testdata/clusterctl.yaml -i docker:v1.13.5 -f development \
    --kubernetes-version v1.35.0 -n default
  measure "generate cluster --from clusterclass-quick-start.yaml" \
    "$bin" generate cluster demo --from testdata/repository/infrastructure-docker/v1.13.5/clusterclass-quick-start.yaml -n default
  measure "generate provider --core cluster-api (latest, 1.1 MB)" \
    "$bin" generate provider --config testdata/clusterctl.yaml --core cluster-api
}

# Provider sources from the GitHub stand-in (it serves testdata/repository as GitHub's API,
# release downloads and the Go module proxy, and counts the requests it gets by kind).
bench_sources() {
  echo "== provider sources: core, kubeadm bootstrap, kubeadm control plane, docker (latest) from the GitHub stand-in"
  standin_out="$home/standin.out"
  "$home/bin/github_standin" --repo-dir testdata/repository --ignore-stdin >"$standin_out" &
  standin_pid=$!
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
  kill "$standin_pid" 2>/dev/null || true
  standin_pid=""
  unset GOPROXY
}

bench_substitute() {
  echo "== substitution throughput"
  (cd "$root" && "$substitute_bin" 2>&1 | grep -E 'MB/s')
}

# ---------------------------------------------------------------------------------------------
# init: core, kubeadm bootstrap, kubeadm control plane and docker (v1.13.5, from
# testdata/repository through testdata/interop/clusterctl.yaml) plus cert-manager, from a warm
# cache onto an empty control plane; capictl and upstream clusterctl v1.13.5 in the same run, with
# the same arguments, environment and kind of control plane.
#
# Method, identical for both tools:
# - Each run gets a fresh control plane (hack/control-plane.sh: a real etcd and kube-apiserver on
#   loopback, no controllers), left alone for $INIT_SETTLE seconds after it is ready and stopped
#   right after the run. The tools alternate (capictl first in odd rounds, clusterctl first in even
#   ones) so that a slow phase of the machine does not land on one tool only.
# - Warm cache: each tool first runs init once, unmeasured, on a control plane of its own, with the
#   HOME its measured runs use (capictl's cache then holds every provider; clusterctl reads the
#   file:// repository directly either way). capictl's warm-up runs with -v 1 and reports its own
#   request count, which is checked against the server-side count below.
# - Wall time: bash's EPOCHREALTIME around the run (GNU time's start-up included, for both).
# - Peak memory: GNU time's %M (maximum resident set size of the tool's process).
# - API requests, counted by the API server from /metrics (scraped with the admin client
#   certificate right before and right after the run):
#     sent:   requests authenticated with the kubeconfig's client certificate. The histogram
#             apiserver_client_certificate_expiration_seconds is observed once for every request
#             authenticated with a client certificate; only the tool and the scrapes use one (the
#             API server's own loopback requests use a token). The scrape after the run counts
#             itself (authentication comes before /metrics answers): difference minus 1.
#     served: the sum of apiserver_request_total (which leaves out /metrics) over the same window:
#             what the tool sent plus the API server's own requests the run caused (CRD status
#             updates, APIService registration) and a background trickle (leases, ~0.1/s).
#   The targets of issue #4 apply to "sent".
# - The floor (see floor_run): in every round, between the two tools, the 30 CRDs both tools
#   install are sent alone by curl, timed until the API server serves them all: about the part
#   of init no client can shorten on this machine. A comparison, not a bound (curl has costs of
#   its own, and single runs vary more than the gap); printed with capictl's distance to it.
init_runs=${INIT_RUNS:-3}
init_settle=${INIT_SETTLE:-1}
clusterctl_bin="$CAPICTL_CONTROL_PLANE_CACHE/clusterctl/v1.13.5/clusterctl"
control_plane="$root/hack/control-plane.sh"

# init_missing: prints what the init section needs and does not find (nothing when all is there).
# The binaries' versions are hack/build-control-plane.sh's defaults.
init_missing() {
  local cache=$CAPICTL_CONTROL_PLANE_CACHE tool
  [ -x "$cache/control-plane/${CAPICTL_KUBE_VERSION:-v1.35.4}/kube-apiserver" ] ||
    echo "kube-apiserver (run hack/build-control-plane.sh)"
  [ -x "$cache/control-plane/etcd-${CAPICTL_ETCD_VERSION:-v3.6.16}/etcd" ] ||
    echo "etcd (run hack/build-control-plane.sh)"
  [ -x "$clusterctl_bin" ] || echo "$clusterctl_bin (run hack/build-control-plane.sh --clusterctl)"
  for tool in curl openssl bc /usr/bin/time; do
    command -v "$tool" >/dev/null || echo "$tool"
  done
  return 0
}

# start_cp NAME: starts a control plane and sets $kubeconfig and $cp_state (its state dir). One
# retry: a start can fail on a busy machine (kube-apiserver losing a race for its port).
start_cp() {
  local name=$1 out
  clusters+=("$name")
  if ! out=$("$control_plane" start "$name" 2>>"$home/control-plane.log"); then
    echo "  (control plane $name did not start; trying once more)" >&2
    out=$("$control_plane" start "$name" 2>>"$home/control-plane.log") || {
      tail -n 30 "$home/control-plane.log" >&2
      return 1
    }
  fi
  kubeconfig=$(tail -1 <<<"$out")
  cp_state=$(dirname "$kubeconfig")
}

stop_cp() {
  local name=$1 kept=() c
  "$control_plane" stop "$name" 2>>"$home/control-plane.log"
  for c in ${clusters[@]+"${clusters[@]}"}; do [ "$c" = "$name" ] || kept+=("$c"); done
  clusters=(${kept[@]+"${kept[@]}"})
}

# scrape [STATE]: prints "SENT SERVED", the two counters described above, of the control plane
# whose state dir is STATE (default $cp_state).
scrape() {
  local state=${1:-$cp_state} port
  port=$(sed -n 's/^APISERVER_PORT=//p' "$state/ports.env")
  curl -fsS --noproxy '*' --max-time 10 --cacert "$state/pki/ca.crt" \
    --cert "$state/pki/admin.crt" --key "$state/pki/admin.key" "https://127.0.0.1:$port/metrics" |
    awk '$1 == "apiserver_client_certificate_expiration_seconds_count" { sent = $2 }
         /^apiserver_request_total[{ ]/ { served += $NF }
         END { if (sent == "") exit 1; printf "%d %d\n", sent, served }'
}

# init_run TOOL NAME [ARGS...]: one init by TOOL (capictl or clusterctl) on a fresh control plane
# NAME, with ARGS added. Sets run_ms, run_rss_kb, run_sent, run_served and run_log (the tool's
# stderr).
init_run() {
  local tool=$1 name=$2 exe before after start end stats
  shift 2
  case "$tool" in
    capictl) exe=$bin ;;
    clusterctl) exe=$clusterctl_bin ;;
  esac
  local tool_home="$home/init-$tool"
  mkdir -p "$tool_home"
  start_cp "$name"
  sleep "$init_settle"
  stats="$home/time.out" run_log="$home/init-$name.log"
  before=$(scrape) || { echo "error: could not read the metrics of $name" >&2; return 1; }
  start=$EPOCHREALTIME
  if ! env -i PATH="$real_path" HOME="$tool_home" XDG_CONFIG_HOME="$tool_home/.config" \
    XDG_CACHE_HOME="$tool_home/.cache" CLUSTERCTL_DISABLE_VERSIONCHECK=true GOPROXY=off \
    CAPICTL_TESTDATA="$root/testdata" \
    /usr/bin/time -o "$stats" -f '%M' \
    "$exe" init --config testdata/interop/clusterctl.yaml --kubeconfig "$kubeconfig" -i docker "$@" \
    >"$run_log" 2>&1; then
    echo "error: $tool init failed on $name:" >&2
    cat "$run_log" >&2
    return 1
  fi
  end=$EPOCHREALTIME
  after=$(scrape) || { echo "error: could not read the metrics of $name" >&2; return 1; }
  stop_cp "$name"
  run_ms=$(echo "($end - $start) * 1000" | bc -l)
  run_rss_kb=$(tail -1 "$stats")
  run_sent=$(( ${after% *} - ${before% *} - 1 ))
  run_served=$(( ${after#* } - ${before#* } ))
}

# The floor: the 30 CRDs both tools install (cert-manager's 6, the inventory CRD, the providers'
# 23), alone, sent the way capictl sends them (server-side apply, fieldValidation=Ignore,
# metadata-only answers, 8 at a time; by curl, without capictl's labels) onto a fresh control
# plane, and the time until the API server serves every one of them (aggregated discovery polled
# every 50 ms). Nothing else is installed. On a 2-core machine this is mostly the API server's own
# CPU work establishing the CRDs, which every client of init pays.
floor_sources=(
  testdata/repository/cert-manager/v1.21.1/cert-manager.yaml
  src/cluster/assets/clusterctl-api.yaml
  testdata/repository/cluster-api/v1.13.5/core-components.yaml
  testdata/repository/bootstrap-kubeadm/v1.13.5/bootstrap-components.yaml
  testdata/repository/control-plane-kubeadm/v1.13.5/control-plane-components.yaml
  testdata/repository/infrastructure-docker/v1.13.5/infrastructure-components-development.yaml
)

# floor_prepare: writes each CRD of $floor_sources to $home/floor-crds/NAME.yaml, the names to
# $home/floor-crds.txt, and sets $floor_count.
floor_prepare() {
  local dir="$home/floor-crds" f
  rm -rf "$dir" && mkdir -p "$dir"
  for f in "${floor_sources[@]}"; do
    # One document per CRD; its name is the first `  name:` after `metadata:`.
    awk -v dir="$dir" '
      function flush() { if (crd && name != "") { printf "%s", doc > (dir "/" name ".yaml"); close(dir "/" name ".yaml") } }
      /^---/ { flush(); doc = ""; crd = 0; name = ""; meta = 0; next }
      { doc = doc $0 "\n" }
      /^kind: CustomResourceDefinition$/ { crd = 1 }
      /^metadata:/ { meta = 1; next }
      meta && /^  name: / && name == "" { name = $2 }
      /^[a-z]/ { meta = 0 }
      END { flush() }' "$root/$f"
  done
  (cd "$dir" && ls) | sed 's/\.yaml$//' >"$home/floor-crds.txt"
  floor_count=$(wc -l <"$home/floor-crds.txt")
}

# floor_run NAME: sets run_ms to the floor measured on a fresh control plane NAME. Two curl
# processes, each on one connection: one sends the 30 applies (HTTP/2, 8 at a time), the other
# reads aggregated discovery every 50 ms (--rate) into an awk that stops at the first answer
# serving all 30.
floor_run() {
  local name=$1 port start end done_line crd
  start_cp "$name"
  sleep "$init_settle"
  port=$(sed -n 's/^APISERVER_PORT=//p' "$cp_state/ports.env")
  local base="https://127.0.0.1:$port" tls="$home/floor-tls.curlrc"
  printf 'cacert = "%s"\ncert = "%s"\nkey = "%s"\nuser-agent = "capictl-bench"\nnoproxy = "*"\nfail\nsilent\nshow-error\n' \
    "$cp_state/pki/ca.crt" "$cp_state/pki/admin.crt" "$cp_state/pki/admin.key" >"$tls"
  {
    local first=1
    while read -r crd; do
      [ "$first" = 1 ] || echo next
      first=0
      cat "$tls"
      printf 'url = "%s/apis/apiextensions.k8s.io/v1/customresourcedefinitions/%s?fieldManager=capictl&force=true&fieldValidation=Ignore"\n' "$base" "$crd"
      printf 'request = "PATCH"\ndata-binary = "@%s"\noutput = "/dev/null"\n' "$home/floor-crds/$crd.yaml"
      printf 'header = "Content-Type: application/apply-patch+yaml"\n'
      printf 'header = "Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"\n'
    done <"$home/floor-crds.txt"
  } >"$home/floor-apply.curlrc"
  {
    cat "$tls"
    printf 'header = "Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"\n'
    for _ in $(seq 2400); do printf 'url = "%s/apis"\n' "$base"; done
  } >"$home/floor-poll.curlrc"
  start=$EPOCHREALTIME
  if ! curl --parallel --parallel-max 8 -K "$home/floor-apply.curlrc" 2>"$home/floor-apply.err"; then
    echo "error: applying the CRDs by curl failed on $name:" >&2
    grep -v '^[-0-9 ]' "$home/floor-apply.err" >&2
    return 1
  fi
  # One discovery document per line (the API server ends each with a newline); the awk
  # collects "resource.group" of every resource served.
  read -r done_line < <(curl --rate 20/s -K "$home/floor-poll.curlrc" 2>/dev/null |
    awk 'FNR == NR { want[$1] = 1; total++; next }
      {
        n = split($0, groups, /"metadata":[{]"name":"/)
        split("", seen); found = 0
        for (i = 2; i <= n; i++) {
          g = substr(groups[i], 1, index(groups[i], "\"") - 1); s = groups[i]
          while (match(s, /"resource":"[a-z0-9.-]+"/)) {
            r = substr(s, RSTART + 12, RLENGTH - 13) "." g; s = substr(s, RSTART + RLENGTH)
            if ((r in want) && !(r in seen)) { seen[r] = 1; found++ }
          }
        }
        if (found == total) { print "served"; exit }
      }' "$home/floor-crds.txt" -) || true
  end=$EPOCHREALTIME
  if [ "$done_line" != served ]; then
    echo "error: the CRDs were not all served within 120 s on $name" >&2
    return 1
  fi
  stop_cp "$name"
  run_ms=$(echo "($end - $start) * 1000" | bc -l)
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# ratio A B: A/B with two decimals.
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

# verdict RATIO TARGET
verdict() { if [ "$(echo "$1 <= $2" | bc -l)" = 1 ]; then echo met; else echo MISSED; fi; }

bench_init() {
  echo "== init: core, kubeadm bootstrap, kubeadm control plane, docker (v1.13.5) + cert-manager, warm cache, empty control plane; capictl vs clusterctl v1.13.5 ($init_runs runs each)"
  local id="bench-$$" tool round order load_before load_after
  # Both tools and the API server share the machine's cores: its load is part of the context.
  read -r load_before _ </proc/loadavg
  local -A ms=() rss=() sent=() served=()

  # Warm-up (unmeasured, but its requests are counted for the cross-check).
  init_run capictl "$id-cap-warm" -v 1
  local own
  own=$(sed -n 's/.*Init finished.*apiRequests=\([0-9][0-9]*\).*/\1/p' "$run_log" | tail -1)
  printf '  warm-up capictl:    %6.2f s, %4d requests sent (capictl counted %s itself)\n' \
    "$(echo "$run_ms / 1000" | bc -l)" "$run_sent" "${own:-nothing}"
  if [ "$own" != "$run_sent" ]; then
    echo "  warning: the server-side count ($run_sent) differs from capictl's own ($own)" >&2
  fi
  init_run clusterctl "$id-cc-warm"
  printf '  warm-up clusterctl: %6.2f s, %4d requests sent\n' "$(echo "$run_ms / 1000" | bc -l)" "$run_sent"

  floor_prepare
  for round in $(seq "$init_runs"); do
    order="capictl clusterctl"
    [ $((round % 2)) = 1 ] || order="clusterctl capictl"
    for tool in ${order/ / floor }; do
      if [ "$tool" = floor ]; then
        floor_run "$id-floor-$round"
        ms[floor]+="$run_ms "
        printf '  run %d %-10s  %6.2f s  (the %d CRDs alone, by curl)\n' "$round" floor \
          "$(echo "$run_ms / 1000" | bc -l)" "$floor_count"
        continue
      fi
      init_run "$tool" "$id-${tool:0:3}-$round"
      ms[$tool]+="$run_ms " rss[$tool]+="$run_rss_kb " sent[$tool]+="$run_sent " served[$tool]+="$run_served "
      printf '  run %d %-10s  %6.2f s, %4d requests sent, %4d served, peak RSS %6.1f MB\n' "$round" "$tool" \
        "$(echo "$run_ms / 1000" | bc -l)" "$run_sent" "$run_served" "$(echo "$run_rss_kb / 1024" | bc -l)"
    done
  done

  read -r load_after _ </proc/loadavg
  local -A med_ms med_rss med_sent med_served
  for tool in capictl clusterctl; do
    # shellcheck disable=SC2086 # the lists are space-separated numbers
    med_ms[$tool]=$(median ${ms[$tool]}) med_rss[$tool]=$(median ${rss[$tool]})
    # shellcheck disable=SC2086
    med_sent[$tool]=$(median ${sent[$tool]}) med_served[$tool]=$(median ${served[$tool]})
  done
  # shellcheck disable=SC2086
  med_ms[floor]=$(median ${ms[floor]})
  local r_time r_sent r_served r_rss
  r_time=$(ratio "${med_ms[capictl]}" "${med_ms[clusterctl]}")
  r_sent=$(ratio "${med_sent[capictl]}" "${med_sent[clusterctl]}")
  r_served=$(ratio "${med_served[capictl]}" "${med_served[clusterctl]}")
  r_rss=$(ratio "${med_rss[capictl]}" "${med_rss[clusterctl]}")
  printf '  %-34s %10s %11s %9s   %s\n' "median of $init_runs runs" capictl clusterctl ratio "target (issue #4)"
  printf '  %-34s %8.2f s %9.2f s %8s×   ≤ 0.33× %s\n' "wall time" \
    "$(echo "${med_ms[capictl]} / 1000" | bc -l)" "$(echo "${med_ms[clusterctl]} / 1000" | bc -l)" \
    "$r_time" "$(verdict "$r_time" 0.33)"
  printf '  %-34s %8.2f s %11s %8s×   (capictl %+.2f s above it)\n' "floor: the $floor_count CRDs alone (curl)" \
    "$(echo "${med_ms[floor]} / 1000" | bc -l)" "" "$(ratio "${med_ms[floor]}" "${med_ms[clusterctl]}")" \
    "$(echo "(${med_ms[capictl]} - ${med_ms[floor]}) / 1000" | bc -l)"
  printf '  %-34s %10d %11d %8s×   ≤ 0.50× %s\n' "API requests sent" \
    "${med_sent[capictl]}" "${med_sent[clusterctl]}" "$r_sent" "$(verdict "$r_sent" 0.5)"
  printf '  %-34s %10d %11d %8s×\n' "API requests served (incl. own)" \
    "${med_served[capictl]}" "${med_served[clusterctl]}" "$r_served"
  printf '  %-34s %7.1f MB %8.1f MB %8s×\n' "peak RSS" \
    "$(echo "${med_rss[capictl]} / 1024" | bc -l)" "$(echo "${med_rss[clusterctl]} / 1024" | bc -l)" "$r_rss"
  echo "  (1-minute load average $load_before before, $load_after after; $(nproc) cores)"
}

# ---------------------------------------------------------------------------------------------
# move: a namespace of N workload clusters (tests/support/workload/: 25 objects each, as Cluster
# API v1.13.5 leaves a provisioned cluster: ownerReferences, finalizers, status, Secrets of real
# size) moved from one management cluster to another by capictl, by upstream clusterctl v1.13.5
# (up to $MOVE_CLUSTERCTL_MAX clusters) and by the floor, for each N of $MOVE_SIZES.
#
# Method, identical for every mover:
# - Each run gets two fresh control planes (source and target), both initialized by capictl
#   (`init -i docker` from testdata/clusterctl.yaml, the same providers clusterctl v1.13.5 has),
#   with the providers' webhook configurations removed (the control planes run no Pods, so
#   nothing would answer them; tests/move_fixture.rs does the same), and the N clusters created
#   on the source by `move_workload create` (16 requests in flight). Then $MOVE_SETTLE seconds
#   alone, and the one measured command: `move --kubeconfig SRC --to-kubeconfig DST -n workload`.
# - Wall time, peak RSS and API requests sent as for init (EPOCHREALTIME, GNU time's %M, the
#   client-certificate counter of each API server's /metrics), requests summed over both
#   servers.
# - Each run is checked afterwards (`move_workload count`): every object on the target, none
#   left on the source; a run that is not is reported as such.
# - The floor (`move_workload floor`, tests/support/workload/floor.rs): the kinds known in
#   advance, one list each, every object created on the target with its ownerReferences
#   remapped (owners first), then deleted from the source (finalizers removed first), 16
#   requests in flight; no discovery, pausing or checks. The least any client could do, by a
#   client that is itself no faster than capictl's libraries.
# - One run per mover and size (a clusterctl run at 100 clusters takes ~15 minutes).
move_sizes=${MOVE_SIZES:-10 100 500}
move_clusterctl_max=${MOVE_CLUSTERCTL_MAX:-100}
move_settle=${MOVE_SETTLE:-2}
move_timeout=${MOVE_TIMEOUT:-3600}
move_ns=workload

# move_prepare NAME N: source NAME-src and target NAME-dst, initialized, webhooks removed, N
# workload clusters on the source. Sets src_kc, src_state, dst_kc, dst_state, prepare_note.
move_prepare() {
  local name=$1 n=$2 kc out start
  start=$EPOCHREALTIME
  start_cp "$name-src"
  src_kc=$kubeconfig src_state=$cp_state
  start_cp "$name-dst"
  dst_kc=$kubeconfig dst_state=$cp_state
  local init_home="$home/move-init"
  mkdir -p "$init_home"
  for kc in "$src_kc" "$dst_kc"; do
    if ! out=$(env -i PATH="$real_path" HOME="$init_home" XDG_CONFIG_HOME="$init_home/.config" \
      XDG_CACHE_HOME="$init_home/.cache" "$bin" init --config testdata/clusterctl.yaml \
      --kubeconfig "$kc" -i docker 2>&1); then
      printf 'error: capictl init failed on %s:\n%s\n' "$kc" "$out" >&2
      return 1
    fi
    # No Pods answer the providers' webhooks on this control plane: they go, openly.
    "$home/bin/move_workload" remove-webhooks --kubeconfig "$kc" >/dev/null
  done
  out=$("$home/bin/move_workload" create --kubeconfig "$src_kc" --namespace "$move_ns" --clusters "$n")
  prepare_note=$(printf 'prepared in %.0f s (%s)' "$(echo "$EPOCHREALTIME - $start" | bc -l)" \
    "$(sed -n 's/.*in namespace [^ ]* in \(.*\)/workload created in \1/p' <<<"$out")")
  sleep "$move_settle"
}

# move_count KUBECONFIG: the number of workload objects in the namespace.
move_count() {
  "$home/bin/move_workload" count --kubeconfig "$1" --namespace "$move_ns" | sed -n 's/.*total=//p'
}

# move_run MOVER N: one move of N clusters by MOVER (capictl, clusterctl or floor) on fresh
# control planes. Sets run_ms, run_rss_kb, run_sent, run_sent_src, run_sent_dst, run_error
# (empty when the move succeeded and is complete).
move_run() {
  local mover=$1 n=$2 name="bench-$$-mv-${1:0:3}-$2" status=0 stats="$home/time.out"
  local log="$home/move-${1}-$2.log" before_src before_dst after_src after_dst start end
  move_prepare "$name" "$n"
  local cmd=()
  case "$mover" in
    capictl) cmd=("$bin" move --kubeconfig "$src_kc" --to-kubeconfig "$dst_kc" -n "$move_ns") ;;
    clusterctl) cmd=("$clusterctl_bin" move --kubeconfig "$src_kc" --to-kubeconfig "$dst_kc" -n "$move_ns") ;;
    floor) cmd=("$home/bin/move_workload" floor --from "$src_kc" --to "$dst_kc" --namespace "$move_ns") ;;
  esac
  local tool_home="$home/move-$mover"
  mkdir -p "$tool_home"
  before_src=$(scrape "$src_state") && before_dst=$(scrape "$dst_state") ||
    { echo "error: could not read the metrics of $name" >&2; return 1; }
  start=$EPOCHREALTIME
  env -i PATH="$real_path" HOME="$tool_home" XDG_CONFIG_HOME="$tool_home/.config" \
    XDG_CACHE_HOME="$tool_home/.cache" CLUSTERCTL_DISABLE_VERSIONCHECK=true GOPROXY=off \
    /usr/bin/time -o "$stats" -f '%M' timeout "$move_timeout" "${cmd[@]}" >"$log" 2>&1 || status=$?
  end=$EPOCHREALTIME
  after_src=$(scrape "$src_state") && after_dst=$(scrape "$dst_state") ||
    { echo "error: could not read the metrics of $name" >&2; return 1; }
  run_ms=$(echo "($end - $start) * 1000" | bc -l)
  run_rss_kb=$(tail -1 "$stats")
  run_sent_src=$(( ${after_src% *} - ${before_src% *} - 1 ))
  run_sent_dst=$(( ${after_dst% *} - ${before_dst% *} - 1 ))
  run_sent=$(( run_sent_src + run_sent_dst ))
  run_error=""
  if [ "$status" != 0 ]; then
    # The last lines of its output, on one line.
    run_error="exit $status: $(grep -v '^\s*$' "$log" | tail -n 3 | tr '\n' ' ' | cut -c1-300)"
  else
    local left moved
    left=$(move_count "$src_kc") moved=$(move_count "$dst_kc")
    if [ "$left" != 0 ] || [ "$moved" != $((n * 25)) ]; then
      run_error="incomplete: $moved objects on the target, $left left on the source (of $((n * 25)))"
    fi
  fi
  stop_cp "$name-src"
  stop_cp "$name-dst"
}

# mb KB: megabytes with one decimal.
mb() { printf '%.1f' "$(echo "$1 / 1024" | bc -l)"; }
# sec MS: seconds with two decimals.
sec() { printf '%.2f' "$(echo "$1 / 1000" | bc -l)"; }

bench_move() {
  echo "== move: N workload clusters of 25 objects (namespace $move_ns) between two fresh control planes; capictl vs clusterctl v1.13.5 (N ≤ $move_clusterctl_max) vs the floor; sizes: $move_sizes"
  local n mover load_before load_after
  read -r load_before _ </proc/loadavg
  local -A ms=() rss=() sent=() err=()
  for n in $move_sizes; do
    for mover in capictl clusterctl floor; do
      if [ "$mover" = clusterctl ] && [ "$n" -gt "$move_clusterctl_max" ]; then continue; fi
      move_run "$mover" "$n"
      ms[$mover:$n]=$run_ms rss[$mover:$n]=$run_rss_kb sent[$mover:$n]=$run_sent err[$mover:$n]=$run_error
      if [ -n "$run_error" ]; then
        printf '  %4d clusters  %-10s  FAILED after %s s (%s): %s\n' "$n" "$mover" "$(sec "$run_ms")" \
          "$prepare_note" "$run_error"
      else
        printf '  %4d clusters  %-10s  %8s s, %6d requests sent (source %d + target %d), peak RSS %7s MB   (%s)\n' \
          "$n" "$mover" "$(sec "$run_ms")" "$run_sent" "$run_sent_src" "$run_sent_dst" "$(mb "$run_rss_kb")" \
          "$prepare_note"
        # The floor's own account: its phases.
        [ "$mover" != floor ] || printf '%34s%s\n' "" "$(sed -n 's/.*(\(list .*\))$/\1/p' "$home/move-floor-$n.log")"
      fi
    done
  done
  read -r load_after _ </proc/loadavg

  # cell MOVER N FORMAT VALUE: the value, or "failed" / "—" (not run).
  local key
  cell() {
    key=$1:$2
    if [ -z "${ms[$key]+x}" ]; then echo "—"
    elif [ -n "${err[$key]}" ]; then echo failed
    else printf "$3" "$4"; fi
  }
  ok() { [ -n "${ms[$1:$2]+x}" ] && [ -z "${err[$1:$2]}" ]; }
  local r1 r2 target
  echo
  printf '  %-22s %10s %11s %9s %20s %15s   %s\n' "wall time" capictl clusterctl floor capictl/clusterctl capictl/floor target
  for n in $move_sizes; do
    r1=—; r2=—; target=""
    ok capictl "$n" && ok clusterctl "$n" && r1="$(ratio "${ms[capictl:$n]}" "${ms[clusterctl:$n]}")×"
    ok capictl "$n" && ok floor "$n" && r2="$(ratio "${ms[capictl:$n]}" "${ms[floor:$n]}")×"
    if [ "$n" = 100 ]; then
      target="≤ 0.10× clusterctl: "
      if [ "$r1" = — ]; then target+="not measured"; else target+=$(verdict "${r1%×}" 0.10); fi
    fi
    printf '  %4d clusters (%5d) %10s %11s %9s %20s %15s   %s\n' "$n" $((n * 25)) \
      "$(cell capictl "$n" '%.2f s' "$(sec "${ms[capictl:$n]:-0}")")" \
      "$(cell clusterctl "$n" '%.2f s' "$(sec "${ms[clusterctl:$n]:-0}")")" \
      "$(cell floor "$n" '%.2f s' "$(sec "${ms[floor:$n]:-0}")")" "$r1" "$r2" "$target"
  done
  printf '  %-22s %10s %11s %9s %20s %15s   %s\n' "API requests sent" capictl clusterctl floor capictl/clusterctl capictl/floor target
  for n in $move_sizes; do
    r1=—; r2=—; target=""
    ok capictl "$n" && ok clusterctl "$n" && r1="$(ratio "${sent[capictl:$n]}" "${sent[clusterctl:$n]}")×"
    ok capictl "$n" && ok floor "$n" && r2="$(ratio "${sent[capictl:$n]}" "${sent[floor:$n]}")×"
    if [ "$n" = 100 ]; then
      target="≤ 0.35× clusterctl: "
      if [ "$r1" = — ]; then target+="not measured"; else target+=$(verdict "${r1%×}" 0.35); fi
    fi
    printf '  %4d clusters (%5d) %10s %11s %9s %20s %15s   %s\n' "$n" $((n * 25)) \
      "$(cell capictl "$n" '%d' "${sent[capictl:$n]:-0}")" \
      "$(cell clusterctl "$n" '%d' "${sent[clusterctl:$n]:-0}")" \
      "$(cell floor "$n" '%d' "${sent[floor:$n]:-0}")" "$r1" "$r2" "$target"
  done
  # Per object: peak RSS over the objects moved; slope: the growth from the previous size over
  # the objects added (what each further object costs, the baseline left out).
  printf '  %-22s %10s %11s %20s %15s   %s\n' "peak RSS" capictl clusterctl "capictl per object" "slope" target
  local prev_n="" per slope
  for n in $move_sizes; do
    per=—; slope=—; target=""
    if ok capictl "$n"; then
      per=$(printf '%.1f kB' "$(echo "${rss[capictl:$n]} / ($n * 25)" | bc -l)")
      if [ -n "$prev_n" ] && ok capictl "$prev_n"; then
        slope=$(printf '%.1f kB' "$(echo "(${rss[capictl:$n]} - ${rss[capictl:$prev_n]}) / (($n - $prev_n) * 25)" | bc -l)")
      fi
    fi
    if [ "$n" = 500 ]; then
      target="< 150 MB: "
      if ok capictl "$n"; then
        if [ "${rss[capictl:$n]}" -lt $((150 * 1024)) ]; then target+=met; else target+=MISSED; fi
      else target+="not measured"; fi
    fi
    printf '  %4d clusters (%5d) %10s %11s %20s %15s   %s\n' "$n" $((n * 25)) \
      "$(cell capictl "$n" '%s MB' "$(mb "${rss[capictl:$n]:-0}")")" \
      "$(cell clusterctl "$n" '%s MB' "$(mb "${rss[clusterctl:$n]:-0}")")" "$per" "$slope" "$target"
    prev_n=$n
  done
  echo "  (1-minute load average $load_before before, $load_after after; $(nproc) cores)"
}

if [ "$mode" = all ]; then
  bench_generate
  bench_sources
  bench_substitute
fi
if [ "$mode" = move ]; then
  :
elif [ "${BENCH_INIT:-}" = 0 ]; then
  echo "== init: skipped (BENCH_INIT=0)"
else
  missing=$(init_missing)
  if [ -z "$missing" ]; then
    bench_init
  elif [ "$mode" = init ] || [ "${BENCH_INIT:-}" = 1 ]; then
    printf 'error: the init benchmark needs:\n%s\n' "$missing" | sed '2,$s/^/  /' >&2
    exit 1
  else
    printf '== init: skipped, missing:\n%s\n' "$missing" | sed '2,$s/^/  /'
  fi
fi
if [ "$bench_move_too" = 1 ]; then
  missing=$(init_missing)
  if [ -n "$missing" ]; then
    printf 'error: the move benchmark needs:\n%s\n' "$missing" | sed '2,$s/^/  /' >&2
    exit 1
  fi
  bench_move
elif [ "$mode" = all ]; then
  echo "== move: skipped (slow; BENCH_MOVE=1 or \`hack/bench.sh move\` runs it)"
fi
