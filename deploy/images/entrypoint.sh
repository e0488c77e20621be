#!/usr/bin/env bash
# The ppfarm image's entrypoint: `ROLE [key=value ...]`.
#
#   coordinator  ppfarm coordinator $PPFARM_CONFIG $PPFARM_SEAL_FILE [key=value ...]
#                (defaults /etc/ppfarm/coordinator.properties, /etc/ppfarm/seal/seal-public.properties)
#   worker       ppfarm worker $PPFARM_CONFIG $PPFARM_SEAL_FILE [key=value ...]
#                (defaults /etc/ppfarm/worker.properties, /etc/ppfarm/seal/seal-private.properties)
#   kafka        ppfarm kafka --data-dir $PPFARM_KAFKA_DATA_DIR [options]   (default /var/lib/ppfarm/kafka)
#   anything else (keys, circuits, backend, up, --help, ...) is passed to ppfarm as it is.
#
# Before the JVM starts it refuses, in one line on stderr and exit 2, a missing or unreadable settings file, a seal
# file without its key, a coordinator that can see the workers' private key, and a Kafka data directory it cannot
# write: the mistakes a deployment makes (a Secret not mounted, the wrong Secret item). Key values are never printed.
# Everything else (unknown keys, bad values) the server itself refuses the same way.
set -euo pipefail

fail() {
    echo "ppfarm-entrypoint: $1" >&2
    exit 2
}

# require_file ROLE WHAT PATH
require_file() {
    [[ -e "$3" ]] || fail "$1: $2 $3 is missing (mount it; deploy/README.md)"
    [[ -f "$3" && -r "$3" ]] || fail "$1: $2 $3 is not a readable file (uid $(id -u))"
}

# require_key ROLE FILE KEY: FILE sets KEY to a non-empty value
require_key() {
    grep -Eq "^[[:space:]]*$3[[:space:]]*[=:][[:space:]]*[^[:space:]]" "$2" \
        || fail "$1: $2 does not set $3 (make the pair with: ppfarm keys seal --out-dir DIR)"
}

# server_files ROLE SEAL_FILE WHAT KEY: sets config and seal (PPFARM_CONFIG, PPFARM_SEAL_FILE, else the defaults
# /etc/ppfarm/ROLE.properties and /etc/ppfarm/seal/SEAL_FILE) and checks both, and that the seal file sets KEY
server_files() {
    config=${PPFARM_CONFIG:-/etc/ppfarm/$1.properties}
    seal=${PPFARM_SEAL_FILE:-/etc/ppfarm/seal/$2}
    require_file "$1" "settings file" "$config"
    require_file "$1" "$3" "$seal"
    require_key "$1" "$seal" "$4"
}

java_opts=()
if [[ -n "${PPFARM_CPU_LIBRARY_DIR:-}" ]]; then java_opts+=("-Dppfarm.cpu.libraryDir=$PPFARM_CPU_LIBRARY_DIR"); fi
if [[ -n "${PPFARM_GPU_LIBRARY_DIR:-}" ]]; then java_opts+=("-Dppfarm.gpu.libraryDir=$PPFARM_GPU_LIBRARY_DIR"); fi
# JAVA_OPTS: extra JVM flags, split on spaces (JAVA_TOOL_OPTIONS works too)
read -r -a extra <<< "${JAVA_OPTS:-}"
java_opts+=("${extra[@]}")
jar=${PPFARM_JAR:-/opt/ppfarm/ppfarm.jar}

role=${1:-}
[[ -n "$role" ]] || fail "a role is required: coordinator, worker, kafka, or a ppfarm command"
shift

case "$role" in
    coordinator)
        server_files coordinator seal-public.properties "seal public key file" seal.public.key
        private_dir=$(dirname "$seal")
        if [[ -e "$private_dir/seal-private.properties" ]]; then
            fail "coordinator: $private_dir/seal-private.properties is mounted; coordinators get only seal-public.properties"
        fi
        if grep -Eq "^[[:space:]]*seal\.key\.pair[[:space:]]*[=:]" "$config" "$seal"; then
            fail "coordinator: seal.key.pair is set for a coordinator; it is the workers' private key, give coordinators only seal.public.key"
        fi
        exec java "${java_opts[@]}" -jar "$jar" coordinator "$config" "$seal" "$@"
        ;;
    worker)
        server_files worker seal-private.properties "seal key pair file" seal.key.pair
        exec java "${java_opts[@]}" -jar "$jar" worker "$config" "$seal" "$@"
        ;;
    kafka)
        data=${PPFARM_KAFKA_DATA_DIR:-/var/lib/ppfarm/kafka}
        mkdir -p "$data" 2> /dev/null || fail "kafka: data directory $data cannot be created (uid $(id -u))"
        [[ -w "$data" ]] || fail "kafka: data directory $data is not writable (uid $(id -u))"
        exec java "${java_opts[@]}" -jar "$jar" kafka --data-dir "$data" "$@"
        ;;
    *)
        exec java "${java_opts[@]}" -jar "$jar" "$role" "$@"
        ;;
esac
