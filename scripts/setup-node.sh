#!/usr/bin/env bash
# Installs the project's npm tooling (package.json + package-lock.json) into ./node_modules when it is
# missing or older than the lockfile. Used by the build (testkit module) and by bin/ppfarm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v node >/dev/null || { echo "setup-node: node is not installed (apt-get install nodejs npm)" >&2; exit 2; }
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "setup-node: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
