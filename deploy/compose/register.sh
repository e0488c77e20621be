#!/usr/bin/env bash
# The compose farm's circuits, registered once coordinator-1 serves (the `register` service): the production 0xbow
# withdraw and commitment circuits from /circuits (the host's PPFARM_CIRCUITS, by default the directory that
# scripts/fetch-artifacts.sh fills). Registering the same files again is harmless.
set -euo pipefail
for c in withdraw commitment; do
    for ext in zkey wasm vkey; do
        [[ -f "/circuits/$c.$ext" ]] || { echo "register: /circuits/$c.$ext is missing (run scripts/fetch-artifacts.sh, export PPFARM_CIRCUITS=its output)" >&2; exit 2; }
    done
    /opt/ppfarm/entrypoint.sh circuits register --server coordinator-1:50051 --name "$c@1.0.2" \
        --zkey "/circuits/$c.zkey" --wasm "/circuits/$c.wasm" --vkey "/circuits/$c.vkey"
done
