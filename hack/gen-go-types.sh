#!/usr/bin/env bash
# Regenerates src/components/go_types.txt, the JSON shape of the Kubernetes Go types clusterctl
# round-trips provider objects through, from hack/golden/gotypes (needs Go and the Go module
# proxy). Written to a temporary file first so a failed run leaves the table as it was.
#   hack/gen-go-types.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/src/components/go_types.txt"
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
(cd "$root/hack/golden/gotypes" && go run .) >"$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
if git -C "$root" diff --quiet -- "$out"; then
  echo "src/components/go_types.txt: unchanged"
else
  git -C "$root" diff --stat -- "$out"
fi
