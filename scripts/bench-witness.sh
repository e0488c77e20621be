#!/usr/bin/env bash
# Witness benchmark behind docs/benchmarks.md ("Witness calculation (issue 3)"): the warm in-process withdraw witness
# (org.ppfarm.witness.WitnessBenchmark: circuit loaded once, median of repeated computations) next to
# `snarkjs wtns calculate` (one process per witness, as it is used), on the same test note, in the same run.
# Usage: scripts/bench-witness.sh [ppfarm runs, default 30] [snarkjs runs, default 7] [ppfarm warm-up runs, default 40]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./mvnw -B -q -pl witness -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
exec "$java" -Xmx2g -XX:+UseParallelGC -Dppfarm.root="$root" -cp "witness/target/test-classes:witness/target/classes:$(cat witness/target/bench.cp)" \
  org.ppfarm.witness.WitnessBenchmark "$@"
