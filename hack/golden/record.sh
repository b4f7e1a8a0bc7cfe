#!/usr/bin/env bash
# Records what upstream clusterctl prints for each case of testdata/golden/cases.txt into
# testdata/golden/out/<case>.{stdout,stderr,code}. tests/golden.rs runs capictl on the same
# cases and compares. Needs clusterctl v1.13.5 (hack/build-control-plane.sh --clusterctl builds it).
#   hack/golden/record.sh [case-name-regex]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
clusterctl=${CLUSTERCTL:-$HOME/.cache/capictl/clusterctl/v1.13.5/clusterctl}
[ -x "$clusterctl" ] || { echo "error: $clusterctl not found; run hack/build-control-plane.sh --clusterctl" >&2; exit 1; }
filter=${1:-.}
out="$root/testdata/golden/out"
mkdir -p "$out"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
cd "$root"
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  IFS='|' read -r name mode envs stdin args <<<"$line"
  name=$(echo "$name" | xargs); mode=$(echo "$mode" | xargs); envs=$(echo "$envs" | xargs); stdin=$(echo "$stdin" | xargs)
  [[ "$name" =~ $filter ]] || continue
  [ "$mode" = out-upstream-head ] && continue
  args=${args//\$ROOT/$root}
  env_args=(env -i "PATH=$PATH" "HOME=$home" "XDG_CONFIG_HOME=$home/.config" CLUSTERCTL_DISABLE_VERSIONCHECK=true "CAPICTL_TESTDATA=$root/testdata")
  if [ "$envs" != "-" ]; then
    IFS=',' read -ra pairs <<<"$envs"
    for p in "${pairs[@]}"; do env_args+=("${p//\$ROOT/$root}"); done
  fi
  # shellcheck disable=SC2086
  if [ "$stdin" != "-" ]; then
    "${env_args[@]}" "$clusterctl" $args <"$stdin" >"$out/$name.stdout" 2>"$out/$name.stderr" && code=0 || code=$?
  else
    "${env_args[@]}" "$clusterctl" $args </dev/null >"$out/$name.stdout" 2>"$out/$name.stderr" && code=0 || code=$?
  fi
  echo "$code" >"$out/$name.code"
  sed -i "s#$root#\$ROOT#g" "$out/$name.stdout" "$out/$name.stderr"
  echo "$name: exit $code" >&2
done <testdata/golden/cases.txt
