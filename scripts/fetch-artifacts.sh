#!/usr/bin/env bash
# Fetches the production 0xbow Privacy Pools circuit artifacts (withdraw, commitment: .zkey, .wasm, .vkey)
# from the npm package @0xbow/privacy-pools-core-sdk@1.0.2 with `npm pack`, into a cache outside the
# source tree, and checks every file's SHA-256. Prints the artifact directory on stdout.
# Cache: $PPFARM_CACHE (default ~/.cache/ppfarm).
set -euo pipefail
pkg=@0xbow/privacy-pools-core-sdk
ver=1.0.2
cache=${PPFARM_CACHE:-$HOME/.cache/ppfarm}
dir="$cache/artifacts/privacy-pools-core-sdk-$ver"
sums='2a893b42174c813566e5c40c715a8b90cd49fc4ecf384e3a6024158c3d6de677  withdraw.zkey
36cda22791def3d520a55c0fc808369cd5849532a75fab65686e666ed3d55c10  withdraw.wasm
666bd0983b20c1611543b04f7712e067fbe8cad69f07ada8a310837ff398d21e  withdraw.vkey
494ae92d64098fda2a5649690ddc5821fcd7449ca5fe8ef99ee7447544d7e1f3  commitment.zkey
254d2130607182fd6fd1aee67971526b13cfe178c88e360da96dce92663828d8  commitment.wasm
7d48b4eb3dedc12fb774348287b587f0c18c3c7254cd60e9cf0f8b3636a570d8  commitment.vkey'
if ! (cd "$dir" 2>/dev/null && echo "$sums" | sha256sum -c --quiet >/dev/null 2>&1); then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "fetch-artifacts: npm pack $pkg@$ver" >&2
  (cd "$tmp" && npm pack "$pkg@$ver" --loglevel=error >/dev/null 2>&1 && tar xzf ./*.tgz package/dist/node/artifacts)
  (cd "$tmp/package/dist/node/artifacts" && echo "$sums" | sha256sum -c --quiet) || {
    echo "fetch-artifacts: SHA-256 mismatch in $pkg@$ver artifacts; refusing to use them" >&2; exit 3; }
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir.new" && mv "$tmp/package/dist/node/artifacts" "$dir.new" && rm -rf "$dir" && mv "$dir.new" "$dir"
fi
echo "$dir"
