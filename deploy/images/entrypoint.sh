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
        config=${PPFARM_CONFIG:-/etc/ppfarm/coordinator.properties}
        seal=${PPFARM_SEAL_FILE:-/etc/ppfarm/seal/seal-public.properties}
        require_file coordinator "settings file" "$config"
        require_file coordinator "seal public key file" "$seal"
        require_key coordinator "$seal" seal.public.key
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
        config=${PPFARM_CONFIG:-/etc/ppfarm/worker.properties}
        seal=${PPFARM_SEAL_FILE:-/etc/ppfarm/seal/seal-private.properties}
        require_file worker "settings file" "$config"
        require_file worker "seal key pair file" "$seal"
        require_key worker "$seal" seal.key.pair
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
