#!/usr/bin/env bash
# The device check: runs on the GPU machine from the repository root with the bundle carried
# (run --carry gpu-kernels/target/device-check), needing no JDK, Maven, node or network; or on the host build of the
# kernels (--host), which is how CI tests this script. Each step runs in its own JVM under its own timeout; all
# output is teed to $OUT/report.txt, and the first withdraw proofs are written to $OUT for `snarkjs groth16 verify`.
#
#   gpu-kernels/device-check/run.sh [--host]
#
# Exit status: 0 when every step passed, 1 otherwise (the report names each step's outcome).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=${PPFARM_DEVICE_BUNDLE:-$root/gpu-kernels/target/device-check}
OUT=${OUT:-$bundle/out}
library=cuda
[[ "${1:-}" == --host ]] && library=host
mkdir -p "$OUT"
report=$OUT/report.txt
: > "$report"
log() { echo "$*" | tee -a "$report"; }

[[ -f "$bundle/jre.tar.gz" ]] || { log "run: no bundle at $bundle (run prepare.sh here first)"; exit 1; }
jre=$(mktemp -d)
trap 'rm -rf "$jre"' EXIT
tar -C "$jre" -xzf "$bundle/jre.tar.gz"
java=$jre/jre/bin/java
heap=$([[ $library == cuda ]] && echo 24g || echo 2g)
log "device check: library=$library bundle=$bundle $(date -u +%FT%TZ)"
if [[ $library == cuda ]] && command -v nvidia-smi > /dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv 2>&1 | tee -a "$report"
fi

failed=()
step() {  # name timeout-seconds
    local name=$1 limit=$2 t0 rc
    t0=$(date +%s)
    log "== $name (timeout ${limit}s)"
    timeout --kill-after=10 "$limit" "$java" -Xmx"$heap" --enable-native-access=ALL-UNNAMED \
        -cp "$bundle/lib/*" org.ppfarm.gpukernels.DeviceCheck --step "$name" --library "$library" \
        --zkey "$bundle/withdraw.zkey" --wtns "$bundle/withdraw.wtns" --out "$OUT" 2>&1 | tee -a "$report"
    rc=${PIPESTATUS[0]}
    log "== $name: rc=$rc in $(( $(date +%s) - t0 ))s"
    if (( rc != 0 )); then
        (( rc == 124 || rc == 137 )) && log "TIMEOUT $name"
        failed+=("$name")
    fi
}

# the sum of the limits stays under the device tool's 8 minutes for this script
step info 30
step field 45
step curve 45
step ntt 90
step msm 90
step threads 45
step timing 60
step proofs 60

if (( ${#failed[@]} )); then log "device check: FAILED steps: ${failed[*]}"; exit 1; fi
log "device check: all steps passed"
