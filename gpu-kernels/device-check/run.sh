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
# the whole script stays under the device tool's 8 minutes for it: each step's timeout is its own limit or what is
# left of the total, whichever is less, and a step with under 10 s left is not started (and counts as failed)
total=470
start=$(date +%s)
step() {  # name timeout-seconds [DeviceCheck arguments...]
    local name=$1 limit=$2 t0 rc left label
    shift 2
    label="$name${*:+ $*}"
    t0=$(date +%s)
    left=$(( total - (t0 - start) ))
    if (( left < 10 )); then
        log "== $label: SKIPPED, ${left}s left of the script's ${total}s"
        failed+=("$label")
        return
    fi
    (( limit > left )) && limit=$left
    log "== $label (timeout ${limit}s)"
    timeout --kill-after=10 "$limit" "$java" -Xmx"$heap" --enable-native-access=ALL-UNNAMED \
        -cp "$bundle/lib/*" org.ppfarm.gpukernels.DeviceCheck --step "$name" --library "$library" \
        --zkey "$bundle/withdraw.zkey" --wtns "$bundle/withdraw.wtns" --out "$OUT" "$@" 2>&1 | tee -a "$report"
    rc=${PIPESTATUS[0]}
    log "== $label: rc=$rc in $(( $(date +%s) - t0 ))s"
    if (( rc != 0 )); then
        (( rc == 124 || rc == 137 )) && log "TIMEOUT $label"
        failed+=("$label")
    fi
}

step info 30
step field 45
step curve 45
step ntt 90
step msm 90
# large known-answer MSMs, (sum s_i k_i)*G: the device's sizes, or small ones on the host (only the script is tested)
if [[ $library == cuda ]]; then
    step known 45 --group G1 --log 20
    step known 60 --group G1 --log 22
    step known 60 --group G2 --log 18
else
    step known 45 --group G1 --log 10
    step known 45 --group G2 --log 8
fi
step threads 45
step timing 60
step proofs 60

if (( ${#failed[@]} )); then log "device check: FAILED steps: ${failed[*]}"; exit 1; fi
log "device check: all steps passed in $(( $(date +%s) - start ))s"
