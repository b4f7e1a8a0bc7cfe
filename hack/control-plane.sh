#!/usr/bin/env bash
# Runs throw-away Kubernetes management clusters for capictl's tests: a real etcd and a real
# kube-apiserver (no controller-manager, no scheduler, no kubelet), both listening on 127.0.0.1
# only. The binaries come from hack/build-control-plane.sh (built once from the Go module proxy and
# cached under ~/.cache/capictl). Several clusters can run at once: each NAME gets its own ports,
# PKI, etcd data dir and etcd prefix. Linux only (uses /proc, setsid, GNU date).
#
# Usage:
#   hack/control-plane.sh start NAME              start (or reuse a healthy) cluster; the LAST line
#                                                 on stdout is the absolute path of its kubeconfig
#   hack/control-plane.sh stop NAME               stop both processes and delete the state dir
#                                                 (not an error when NAME is not running)
#   hack/control-plane.sh restart-apiserver NAME  stop kube-apiserver and start it again (same flags
#                                                 and port), then wait until it is ready
#   hack/control-plane.sh stop-apiserver NAME     the first half of restart-apiserver
#   hack/control-plane.sh start-apiserver NAME    the second half (waits for readiness)
#   hack/control-plane.sh status NAME             prints "running" (etcd and kube-apiserver are
#                                                 both up) or "stopped"; exits 0 either way
# NAME: lowercase letters, digits and '-', starting with a letter or digit, at most 40 characters.
#
# State lives in ${CAPICTL_CONTROL_PLANE_STATE:-${TMPDIR:-/tmp}/capictl-control-plane}/NAME:
#   kubeconfig                  cluster/context NAME, namespace default, admin user
#                               (CN=capictl-admin, O=system:masters), all certificate data inline
#   pki/                        CA, apiserver serving cert, admin client cert, service-account keys
#   ports.env, bin.env          the ports and binaries in use (restart-apiserver reuses them)
#   etcd.log, etcd.pid, etcd/   etcd's log, PID and data dir
#   kube-apiserver.log, kube-apiserver.pid
#   pki.log                     openssl's complaints, if any
# A lock file ${CAPICTL_CONTROL_PLANE_STATE...}/.NAME.lock serializes commands on the same NAME.
#
# Environment:
#   CAPICTL_CONTROL_PLANE_STATE    root of the state dirs (see above)
#   CAPICTL_CONTROL_PLANE_TIMEOUT  seconds to wait for readiness (default 90)
#   CAPICTL_CONTROL_PLANE_KEY_ALG  key type of the TLS certificates: ecdsa (P-256, default, fast) or
#                                  rsa (2048); the service-account key pair is always RSA 2048
#   plus the CAPICTL_KUBE_VERSION / CAPICTL_ETCD_VERSION / CAPICTL_CONTROL_PLANE_CACHE variables of
#   hack/build-control-plane.sh.
#
# Only the API objects exist: no controllers run, so Deployments get no ReplicaSets or Pods,
# deleted namespaces stay Terminating, ownerReferences are not garbage-collected and namespaces get
# no "default" ServiceAccount (the ServiceAccount admission plugin is disabled so that Pods can still
# be created). CRDs do become Established (that controller lives inside kube-apiserver).
set -euo pipefail

HACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
TIMEOUT=${CAPICTL_CONTROL_PLANE_TIMEOUT:-90}
KEY_ALG=${CAPICTL_CONTROL_PLANE_KEY_ALG:-ecdsa}
STOP_GRACE=5 # seconds between SIGTERM and SIGKILL
START_ATTEMPTS=5 # attempts when a chosen port was taken by someone else in the meantime

log() { echo "control-plane: $*" >&2; }
die() { echo "control-plane: error: $*" >&2; exit 1; }

usage() {
  sed -n '/^# Usage:/,/^# NAME:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Milliseconds since the epoch (for the timings printed to stderr).
now_ms() { date +%s%3N; }
elapsed() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }

[ $# -eq 2 ] || usage
case "$KEY_ALG" in
  ecdsa | rsa) ;;
  *) die "CAPICTL_CONTROL_PLANE_KEY_ALG must be ecdsa or rsa, not '$KEY_ALG'" ;;
esac
CMD=$1
NAME=$2
[[ "$NAME" =~ ^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$ ]] ||
  die "invalid NAME '$NAME': use lowercase letters, digits and '-' (at most 40 characters)"

ROOT=${CAPICTL_CONTROL_PLANE_STATE:-${TMPDIR:-/tmp}/capictl-control-plane}
mkdir -p "$ROOT"
ROOT=$(cd "$ROOT" && pwd -P)
STATE=$ROOT/$NAME
PKI=$STATE/pki
KUBECONFIG_PATH=$STATE/kubeconfig

# ---------------------------------------------------------------------------------------------
# processes

# pid_of KIND: prints the PID of this cluster's etcd or kube-apiserver if it is alive. A PID counts
# only while its command line mentions this state dir (guards against PID reuse; zombies have an
# empty command line). Like the other predicates it is mostly called in conditions, where set -e
# does not apply: every failure returns explicitly.
pid_of() {
  local kind=$1 pid
  [ -s "$STATE/$kind.pid" ] || return 1
  pid=$(<"$STATE/$kind.pid") || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  owned_by_us "$pid" || return 1
  echo "$pid"
}

owned_by_us() {
  local cmdline stat i
  for ((i = 0; i < 50; i++)); do
    cmdline=$(tr '\0' '\n' 2>/dev/null <"/proc/$1/cmdline") || return 1
    [ -n "$cmdline" ] && break
    # Empty: a zombie, or a process inside execve (the launcher writes the PID file right
    # before exec, so a check can land there). Only the second is worth waiting for.
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    [[ "${stat##*) }" == Z* ]] && return 1
    sleep 0.02
  done
  [[ "$cmdline" == *"$STATE/"* ]]
}

# stray_pids: etcd / kube-apiserver processes of this cluster that no PID file knows about (for
# instance after a start that was interrupted).
stray_pids() {
  local dir comm
  for dir in /proc/[0-9]*; do
    comm=$(cat "$dir/comm" 2>/dev/null) || continue
    case "$comm" in
      etcd | kube-apiserver) owned_by_us "${dir#/proc/}" && echo "${dir#/proc/}" ;;
    esac
  done
  return 0
}

# kill_pids PID...: SIGTERM, then SIGKILL after STOP_GRACE seconds; returns when all have exited.
kill_pids() {
  [ $# -gt 0 ] || return 0
  local pid deadline alive killed=0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$(( $(now_ms) + STOP_GRACE * 1000 ))
  while :; do
    alive=()
    for pid in "$@"; do owned_by_us "$pid" && alive+=("$pid"); done
    [ ${#alive[@]} -gt 0 ] || return 0
    if [ "$(now_ms)" -ge "$deadline" ]; then
      [ $killed -eq 0 ] || die "processes ${alive[*]} survived SIGKILL"
      log "sending SIGKILL to ${alive[*]}"
      kill -KILL "${alive[@]}" 2>/dev/null || true
      killed=1
      deadline=$(( $(now_ms) + 10000 ))
    fi
    sleep 0.05
  done
}

stop_kind() {
  local kind=$1 pid
  if pid=$(pid_of "$kind"); then
    kill_pids "$pid"
  fi
  rm -f "$STATE/$kind.pid"
}

# launch KIND BINARY ARGS...: starts BINARY detached (own session, stdin /dev/null, output appended
# to KIND.log, the lock's file descriptor closed, no proxy variables: nothing may leave loopback)
# and waits for KIND.pid, which the child writes itself right before exec.
launch() {
  local kind=$1
  shift
  rm -f "$STATE/$kind.pid"
  echo "==== $(date -u +%Y-%m-%dT%H:%M:%SZ) $*" >>"$STATE/$kind.log"
  # shellcheck disable=SC2016 # $$ and $@ belong to the child shell
  env -u http_proxy -u https_proxy -u all_proxy -u no_proxy -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u NO_PROXY \
    setsid nohup bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$STATE/$kind.pid" "$@" \
    </dev/null >>"$STATE/$kind.log" 2>&1 9>&- &
  local i
  for ((i = 0; i < 200; i++)); do
    [ -s "$STATE/$kind.pid" ] && return 0
    sleep 0.01
  done
  die "$kind did not start (no PID file)"
}

# port_taken_in_log KIND: whether the last run of KIND failed because its port was in use.
port_taken_in_log() {
  awk '/^==== / { taken = 0 } /address already in use/ { taken = 1 } END { exit !taken }' "$STATE/$1.log"
}

log_tail() {
  local kind
  for kind in "$@"; do
    [ -f "$STATE/$kind.log" ] || continue
    echo "---- last lines of $STATE/$kind.log" >&2
    tail -n 40 "$STATE/$kind.log" >&2
  done
}

# ---------------------------------------------------------------------------------------------
# ports

# free_ports N: N distinct free TCP ports on 127.0.0.1, chosen by the kernel.
free_ports() {
  if command -v python3 >/dev/null; then
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
  else
    # Without python3: random ports below the usual ephemeral range that nobody accepts on.
    local ports=() p
    while [ ${#ports[@]} -lt "$1" ]; do
      p=$(( 20000 + RANDOM % 12000 ))
      [[ " ${ports[*]} " == *" $p "* ]] && continue
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
      ports+=("$p")
    done
    echo "${ports[*]}"
  fi
}

port_listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# PKI

gen_key() {
  case "$KEY_ALG" in
    ecdsa) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null ;;
    *) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null ;;
  esac
}

# sign KEY SUBJECT EXTENSIONS OUT: a certificate for KEY signed by the cluster's CA.
sign() {
  openssl req -new -key "$PKI/$1" -subj "$2" -config "$PKI/openssl.cnf" |
    openssl x509 -req -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
      -days 3650 -sha256 -extfile "$PKI/openssl.cnf" -extensions "$3" -out "$PKI/$4" 2>/dev/null
}

gen_pki() {
  command -v openssl >/dev/null || die "openssl is required (Debian/Ubuntu package: openssl)"
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  # The service-account key is RSA (slow to generate): make it in the background meanwhile.
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null &
  local sa_job=$!
  local key_usage=digitalSignature
  [ "$KEY_ALG" = rsa ] && key_usage="digitalSignature, keyEncipherment"
  cat >"$PKI/openssl.cnf" <<EOF
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, $key_usage
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, IP:10.96.0.1
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, $key_usage
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  gen_key "$PKI/ca.key"
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=capictl-$NAME-ca" -days 3650 -sha256 \
    -config "$PKI/openssl.cnf" -extensions ca -out "$PKI/ca.crt"
  gen_key "$PKI/apiserver.key"
  sign apiserver.key "/CN=kube-apiserver" server apiserver.crt
  gen_key "$PKI/admin.key"
  sign admin.key "/O=system:masters/CN=capictl-admin" client admin.crt
  wait "$sa_job" || die "could not generate the service-account key"
  openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# etcd and kube-apiserver

load_env() {
  if [ ! -f "$STATE/ports.env" ] || [ ! -f "$STATE/bin.env" ]; then
    die "cluster '$NAME' has not been started (no $STATE/ports.env)"
  fi
  # shellcheck source=/dev/null
  . "$STATE/ports.env"
  # shellcheck source=/dev/null
  . "$STATE/bin.env"
}

# A single member on loopback: --unsafe-no-fsync (nothing here needs to survive a power cut) and a
# short election timeout (a lone member elects itself after it; the default 1 s costs ~0.4 s per
# start) make it start and write faster.
launch_etcd() {
  launch etcd "$ETCD_BIN" \
    --name="$NAME" \
    --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="$NAME=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state=new \
    --unsafe-no-fsync \
    --heartbeat-interval=20 \
    --election-timeout=200 \
    --log-level=warn
}

# wait_etcd: 0 when etcd answers /health, 2 when it died because a port was taken, 1 otherwise.
wait_etcd() {
  local deadline=$(( $(now_ms) + TIMEOUT * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if ! pid_of etcd >/dev/null; then
      port_taken_in_log etcd && return 2
      return 1
    fi
    curl -fsS --noproxy '*' --max-time 2 -o /dev/null "http://127.0.0.1:$ETCD_CLIENT_PORT/health" 2>/dev/null &&
      return 0
    sleep 0.1
  done
  return 1
}

# Flags beyond the obvious ones:
#   --cert-dir                   never fall back to /var/run/kubernetes (unused: certificates given)
#   --allow-privileged=true      the Docker infrastructure provider's Deployment is privileged
#   --disable-admission-plugins=ServiceAccount
#                                the plugin rejects every Pod until the "default" ServiceAccount of
#                                its namespace exists, and only kube-controller-manager (not run
#                                here) creates those; all other default plugins stay enabled
#   --endpoint-reconciler-type=none
#                                the default reconciler keeps logging an error because Endpoints may
#                                not hold a loopback address; the "kubernetes" Service itself is
#                                still created
#   --enable-aggregator-routing=true
#                                webhooks (admission, CRD conversion) and aggregated APIs are called
#                                at their Service's endpoints instead of its ClusterIP: without it a
#                                call to a provider's webhook Service goes to 10.96.x.x, i.e. out
#                                through the default route; with it, it fails at once with "no
#                                endpoints available" (no Pods run here)
#   --profiling=false            no /debug/pprof on a test server
launch_apiserver() {
  launch kube-apiserver "$APISERVER_BIN" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$APISERVER_PORT" \
    --cert-dir="$PKI" \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --etcd-prefix="/registry-$NAME" \
    --tls-cert-file="$PKI/apiserver.crt" \
    --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 \
    --authorization-mode=RBAC \
    --allow-privileged=true \
    --disable-admission-plugins=ServiceAccount \
    --endpoint-reconciler-type=none \
    --enable-aggregator-routing=true \
    --profiling=false
}

readyz() {
  [ "$(curl -sS --noproxy '*' --max-time 3 -o /dev/null -w '%{http_code}' \
    --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz" 2>/dev/null)" = 200 ]
}

# wait_apiserver: 0 when /readyz answers 200, 2 when kube-apiserver died because its port was
# taken, 1 otherwise (died, or not ready after TIMEOUT seconds).
wait_apiserver() {
  local deadline=$(( $(now_ms) + TIMEOUT * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if ! pid_of kube-apiserver >/dev/null; then
      port_taken_in_log kube-apiserver && return 2
      return 1
    fi
    readyz && return 0
    sleep 0.2
  done
  return 1
}

write_ports() {
  cat >"$STATE/ports.env" <<EOF
ETCD_CLIENT_PORT=$ETCD_CLIENT_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
APISERVER_PORT=$APISERVER_PORT
EOF
}

write_kubeconfig() {
  local b64="base64 -w0"
  base64 -w0 </dev/null >/dev/null 2>&1 || b64="base64"
  cat >"$KUBECONFIG_PATH.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: "$NAME"
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $($b64 <"$PKI/ca.crt" | tr -d '\n')
users:
- name: "$NAME-admin"
  user:
    client-certificate-data: $($b64 <"$PKI/admin.crt" | tr -d '\n')
    client-key-data: $($b64 <"$PKI/admin.key" | tr -d '\n')
contexts:
- name: "$NAME"
  context:
    cluster: "$NAME"
    user: "$NAME-admin"
    namespace: default
current-context: "$NAME"
preferences: {}
EOF
  chmod 600 "$KUBECONFIG_PATH.tmp"
  mv "$KUBECONFIG_PATH.tmp" "$KUBECONFIG_PATH"
}

# ---------------------------------------------------------------------------------------------
# commands

cmd_stop() {
  local t0 pids
  t0=$(now_ms)
  if [ -d "$STATE" ]; then
    # Without etcd, kube-apiserver's graceful shutdown hangs: nothing to wait for then.
    pid_of etcd >/dev/null || STOP_GRACE=0
    stop_kind kube-apiserver
    stop_kind etcd
    mapfile -t pids < <(stray_pids)
    if [ ${#pids[@]} -gt 0 ]; then
      log "stopping leftover processes of $NAME: ${pids[*]}"
      kill_pids "${pids[@]}"
    fi
    rm -rf "${STATE:?}"
    log "stopped $NAME in $(elapsed "$t0")"
  else
    log "$NAME is not running"
  fi
}

cmd_start() {
  local t0 dirs rc attempt ports pki_job
  t0=$(now_ms)
  command -v curl >/dev/null || die "curl is required"
  command -v openssl >/dev/null || die "openssl is required (Debian/Ubuntu package: openssl)"

  # Reuse a running cluster (starting its kube-apiserver again if only that one is down).
  if [ -f "$STATE/ports.env" ] && [ -f "$STATE/bin.env" ] && [ -f "$KUBECONFIG_PATH" ] &&
    pid_of etcd >/dev/null; then
    load_env
    if ! pid_of kube-apiserver >/dev/null; then
      log "etcd of $NAME is running; starting its kube-apiserver"
      launch_apiserver
    fi
    rc=0
    wait_apiserver || rc=$?
    if [ $rc -eq 0 ]; then
      log "$NAME is running"
      echo "$KUBECONFIG_PATH"
      return 0
    fi
    log_tail kube-apiserver
    log "$NAME is not healthy; starting it from scratch"
  fi
  [ -d "$STATE" ] && { log "removing the leftovers of a previous $NAME"; cmd_stop; }

  mapfile -t dirs < <("$HACK_DIR/build-control-plane.sh")
  [ ${#dirs[@]} -ge 2 ] || die "hack/build-control-plane.sh did not print the binaries' directories"
  APISERVER_BIN=${dirs[0]}/kube-apiserver
  ETCD_BIN=${dirs[1]}/etcd
  [ -x "$APISERVER_BIN" ] || die "missing $APISERVER_BIN"
  [ -x "$ETCD_BIN" ] || die "missing $ETCD_BIN"

  # From here on, a failed or interrupted start leaves no process behind (the state dir stays, for
  # its logs, until the next start or stop).
  trap 'abort_start' EXIT
  trap 'exit 130' INT TERM HUP

  mkdir -p "$STATE"
  printf 'APISERVER_BIN=%q\nETCD_BIN=%q\n' "$APISERVER_BIN" "$ETCD_BIN" >"$STATE/bin.env"
  # The certificates (the RSA key takes a moment) are made while etcd starts.
  gen_pki >"$STATE/pki.log" 2>&1 &
  pki_job=$!

  for ((attempt = 1; ; attempt++)); do
    read -r ETCD_CLIENT_PORT ETCD_PEER_PORT APISERVER_PORT < <(free_ports 3) || die "could not find free ports"
    write_ports
    log "starting etcd for $NAME on 127.0.0.1:$ETCD_CLIENT_PORT (peer port $ETCD_PEER_PORT)"
    rm -rf "$STATE/etcd"
    launch_etcd
    rc=0
    wait_etcd || rc=$?
    if [ $rc -eq 0 ]; then
      log "etcd of $NAME healthy after $(elapsed "$t0")"
      break
    fi
    stop_kind etcd
    if [ $rc -eq 2 ] && [ "$attempt" -lt "$START_ATTEMPTS" ]; then
      log "a port of etcd was taken meanwhile; trying other ports"
      continue
    fi
    log_tail etcd
    die "etcd of $NAME did not become healthy"
  done

  if ! wait "$pki_job"; then
    cat "$STATE/pki.log" >&2
    die "could not generate the certificates of $NAME"
  fi
  log "certificates of $NAME ready after $(elapsed "$t0")"

  for ((attempt = 1; ; attempt++)); do
    log "starting kube-apiserver for $NAME on https://127.0.0.1:$APISERVER_PORT"
    launch_apiserver
    rc=0
    wait_apiserver || rc=$?
    [ $rc -eq 0 ] && break
    stop_kind kube-apiserver
    if [ $rc -eq 2 ] && [ "$attempt" -lt "$START_ATTEMPTS" ]; then
      log "port $APISERVER_PORT was taken meanwhile; trying another one"
      read -r ports < <(free_ports 1) || die "could not find a free port"
      APISERVER_PORT=$ports
      write_ports
      continue
    fi
    log_tail etcd kube-apiserver
    die "kube-apiserver of $NAME did not become ready within ${TIMEOUT}s (state kept in $STATE; run '$0 stop $NAME' to clean up)"
  done

  write_kubeconfig
  trap - EXIT INT TERM HUP
  log "started $NAME in $(elapsed "$t0")"
  echo "$KUBECONFIG_PATH"
}

abort_start() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ -d "$STATE" ]; then
    stop_kind kube-apiserver
    stop_kind etcd
  fi
  exit "$status"
}

cmd_stop_apiserver() {
  local t0
  t0=$(now_ms)
  [ -d "$STATE" ] || { log "$NAME is not running"; return 0; }
  stop_kind kube-apiserver
  log "stopped kube-apiserver of $NAME in $(elapsed "$t0")"
}

cmd_start_apiserver() {
  local t0 rc=0
  t0=$(now_ms)
  load_env
  pid_of etcd >/dev/null || die "etcd of $NAME is not running; use '$0 start $NAME'"
  if ! pid_of kube-apiserver >/dev/null; then
    port_listening "$APISERVER_PORT" && die "port $APISERVER_PORT of $NAME is taken by another process"
    launch_apiserver
  fi
  wait_apiserver || rc=$?
  if [ $rc -ne 0 ]; then
    log_tail kube-apiserver
    die "kube-apiserver of $NAME did not become ready within ${TIMEOUT}s"
  fi
  log "kube-apiserver of $NAME ready in $(elapsed "$t0")"
}

cmd_status() {
  local etcd=stopped apiserver=stopped
  pid_of etcd >/dev/null && etcd=running
  pid_of kube-apiserver >/dev/null && apiserver=running
  log "$NAME: etcd $etcd, kube-apiserver $apiserver"
  if [ $etcd = running ] && [ $apiserver = running ]; then echo running; else echo stopped; fi
}

if [ "$CMD" != status ]; then
  # One command at a time per NAME. The descriptor is closed in the processes we launch.
  exec 9>"$ROOT/.$NAME.lock"
  if command -v flock >/dev/null; then flock 9; fi
fi

case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart-apiserver)
    cmd_stop_apiserver
    cmd_start_apiserver
    ;;
  stop-apiserver) cmd_stop_apiserver ;;
  start-apiserver) cmd_start_apiserver ;;
  status) cmd_status ;;
  *) usage ;;
esac
