#!/usr/bin/env bash
# Runs capictl's checks and tests on a fresh or warm machine: installs what the tests need
# (Debian packages, the test control plane built from the Go module proxy, cached under
# ~/.cache/capictl), then cargo fmt, clippy and the whole test suite.
#   hack/test.sh             everything
#   hack/test.sh -- ARGS     extra arguments for `cargo test` (e.g. a test name filter)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

packages=(openssl curl docker-registry apache2-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  # The registry package would start a system-wide service on :5000; tests start their own.
  export DEBIAN_FRONTEND=noninteractive
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The management cluster of the tests (kube-apiserver and etcd) and upstream clusterctl for the
# interoperability tests, built once per version.
hack/build-control-plane.sh --clusterctl >/dev/null

extra=()
if [ "${1:-}" = "--" ]; then shift; extra=("$@"); fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked "${extra[@]}"
