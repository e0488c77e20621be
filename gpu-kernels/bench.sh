#!/usr/bin/env bash
# MSM/NTT timings of the GPU kernels (org.ppfarm.gpukernels.GpuBench).
#
#   gpu-kernels/bench.sh [--runs N] [--msm-logs 16,18,20,22] [--g2-logs 16,18,20] [--ntt-logs 16,20,22]
#                        [--batch 1,8,32] [--zkey withdraw.zkey --wtns withdraw.wtns [--proofs N] [--threads T]]
#                        [--host]
#
# With a usable CUDA device it prints median/min milliseconds per call (inputs copied to the device and results
# back included; bases resident). Without one it says "NO GPU FOUND" and why (the `ppfarm backend` text) and
# measures nothing. --host runs the same harness on the host build of the kernels: a check of the harness only.
# Builds gpu-kernels (and the prover and cpu-kernels it needs) first if its classes are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
[[ -x "$java" ]] || java=java
if [[ ! -d gpu-kernels/target/classes/org/ppfarm/gpukernels || ! -d cpu-kernels/target/classes || ! -d prover/target/classes ]]; then
    ./mvnw -B -q -pl gpu-kernels -am package -DskipTests
fi
exec "$java" --enable-native-access=ALL-UNNAMED -Xmx8g \
    -cp gpu-kernels/target/classes:cpu-kernels/target/classes:prover/target/classes org.ppfarm.gpukernels.GpuBench "$@"
