#!/usr/bin/env bash
# Speed and memory figures of capictl (release build). Prints, for each scenario, the median
# wall time over several runs and the peak resident memory, and the substitution throughput;
# last, `init` on a real local control plane side by side with upstream clusterctl v1.13.5.
#   hack/bench.sh          everything
#   hack/bench.sh init     only the init section
# Environment:
#   RUNS=15         runs per generate / provider-source scenario
#   INIT_RUNS=3     init runs per tool (each on a fresh control plane)
#   BENCH_INIT=0    skip the init section (otherwise it is skipped, with a message, when the
#                   control-plane or clusterctl binaries are missing; with BENCH_INIT=1 or
#                   `hack/bench.sh init` that is an error)
#   INIT_SETTLE=1   seconds a fresh control plane is left alone before a run
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-all}
case "$mode" in
  all | init) ;;
  *) echo "usage: $0 [init]" >&2; exit 2 ;;
esac
# The control-plane binaries and clusterctl live under the real HOME, which changes below.
export CAPICTL_CONTROL_PLANE_CACHE=${CAPICTL_CONTROL_PLANE_CACHE:-$HOME/.cache/capictl}
# Build everything first: HOME changes below, and cargo needs the real one.
if [ "$mode" = all ]; then
  cargo build --release --quiet --bin capictl --example github_standin
  cargo bench --quiet --bench substitute --no-run 2>/dev/null
  # The newest substitute-<hash> executable (cargo leaves older ones and .d files next to it).
  substitute_bin=$(find "$root/target/release/deps" -maxdepth 1 -type f -name 'substitute-*' ! -name '*.d' \
    -printf '%T@ %p\n' | sort -rn | head -1 | cut -d' ' -f2-)
else
  cargo build --release --quiet --bin capictl
fi
bin="$root/target/release/capictl"
runs=${RUNS:-15}
home=$(mktemp -d)
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
  "$root/target/release/examples/github_standin" --repo-dir testdata/repository --ignore-stdin >"$standin_out" &
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

# scrape: prints "SENT SERVED", the two counters described above, of the control plane in
# $cp_state.
scrape() {
  local port
  port=$(sed -n 's/^APISERVER_PORT=//p' "$cp_state/ports.env")
  curl -fsS --noproxy '*' --max-time 10 --cacert "$cp_state/pki/ca.crt" \
    --cert "$cp_state/pki/admin.crt" --key "$cp_state/pki/admin.key" "https://127.0.0.1:$port/metrics" |
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

if [ "$mode" = all ]; then
  bench_generate
  bench_sources
  bench_substitute
fi
if [ "${BENCH_INIT:-}" = 0 ]; then
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
