#!/usr/bin/env bash
# Runs one benchmark of the bench module (plain mains in bench/src/test/java/org/ppfarm/bench) after building it and
# the modules it measures (./mvnw -pl bench -am test-compile; incremental after the first time):
#
#   scripts/bench.sh <Name> [args...]
#
#   MsmBench [runs [window-bits [big]]]                          CPU MSM (plain, fixed-base tables) and Fq mul
#   BatchBench <zkey> <wtns> [k [rounds [reference-prover]]]    batched proofs/s vs sequential vs a reference prover
#   GpuBench [--host] [--runs N] [--msm-logs ..] ... (see GpuBench.java, gpu-kernels/README.md)
#                                                                GPU MSM/NTT; without a GPU: "NO GPU FOUND" and why
#   PrivacyPoolBench [stateLeaves] [aspLeaves] [seconds]         Poseidon rate, withdraw inputs from big trees
#   VerifierBench <vkey.json> <public.json> <proof.json> [runs]  Groth16 verification
#   WitnessBench [withdraw|commitment] [runs] [snarkjsRuns] [warmup]
#                                                                warm witness next to a warm node and snarkjs wtns calculate
#   WitnessLoadBench <cacheDir> [withdraw] [commitment]          cold circuit load with the compiled-circuit cache
#   FarmBench overhead|dispatch [options] (see FarmBench.java)   the embedded farm: overhead p50/p99, dispatch jobs/s
#
# Java 25 is found as bin/ppfarm finds it (scripts/find-java.sh); the JVM gets bin/ppfarm's flags
# (-XX:+UseParallelGC --enable-native-access=ALL-UNNAMED) after $PPFARM_JAVA_OPTS, the class path of the bench
# module's test scope, and -Dppfarm.root. Maven reads $MAVEN_ARGS, e.g. MAVEN_ARGS=-Dppfarm.cuda=off to build
# gpu-kernels without its CUDA library.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
src=bench/src/test/java/org/ppfarm/bench
usage="usage: scripts/bench.sh <Name> [args...]; Name: $(cd "$src" && ls -- *Bench.java | sed 's/\.java$//' | paste -sd' ')"
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
name=$1
shift
[[ "$name" =~ ^[A-Za-z]+Bench$ && -f "$src/$name.java" ]] || { echo "bench: no benchmark '$name'; $usage" >&2; exit 2; }
source scripts/find-java.sh
./mvnw -B -q -pl bench -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.cp >&2
exec "$JAVA_HOME/bin/java" ${PPFARM_JAVA_OPTS:-} -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
  -Dppfarm.root="$root" -cp "bench/target/test-classes:$(cat bench/target/bench.cp)" "org.ppfarm.bench.$name" "$@"
