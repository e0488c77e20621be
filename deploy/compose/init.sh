#!/usr/bin/env bash
# The compose farm's one-shot setup, run by the `init` service: the farm's seal key pair, made once into the
# seal-private volume (workers), its public half copied to the seal-public volume (coordinators). It runs as root
# only to hand the new volumes to the image's user (uid 10001); the private file stays owner-only (rw-------).
# A second `up` keeps the existing pair: replacing it is a deliberate step (docs/operations.md, "Seal keys").
set -euo pipefail
if [[ ! -f /seal-private/seal-private.properties ]]; then
    /opt/ppfarm/entrypoint.sh keys seal --out-dir /seal-private
fi
cp /seal-private/seal-public.properties /seal-public/seal-public.properties
chown -R 10001:10001 /seal-private /seal-public
chmod 0600 /seal-private/seal-private.properties
echo "init: seal keys ready"
