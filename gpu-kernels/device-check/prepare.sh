#!/usr/bin/env bash
# Builds the device-check bundle: everything run.sh needs on a GPU machine that has no JDK, Maven, node or network.
#
#   gpu-kernels/device-check/prepare.sh [--host]
#
# Needs the modules compiled first (their target/classes; the CUDA library in gpu-kernels' unless --host):
#   ./mvnw -B -pl gpu-kernels -am process-classes -Dppfarm.cuda=on   (--host: -Dppfarm.cuda=off is enough; `compile`
#   stops before the phase that builds and copies the native libraries)
# Writes $PPFARM_DEVICE_BUNDLE (default gpu-kernels/target/device-check, ignored by git; carry it to the device):
#   jre.tar.gz  a jlinked Java 25 runtime (java.base, java.management), packed
#   lib/        ppfarm-prover, ppfarm-cpu-kernels, ppfarm-gpu-kernels (with the native libraries) and Jackson
#   withdraw.zkey, withdraw.wtns   the production withdraw key and the witness of a test input (test keys only)
# and checks that the bundle is under 64 MiB, the device tool's limit on what it carries.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
host_only=no
[[ "${1:-}" == --host ]] && host_only=yes
bundle=${PPFARM_DEVICE_BUNDLE:-$root/gpu-kernels/target/device-check}
jdk=${PPFARM_JLINK_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
natives=$root/gpu-kernels/target/classes/org/ppfarm/gpukernels/native/linux-x86_64

for m in prover cpu-kernels gpu-kernels; do
    [[ -d "$root/$m/target/classes/org" ]] || { echo "prepare: $m/target/classes is missing: run ./mvnw -B -pl gpu-kernels -am process-classes first" >&2; exit 1; }
done
if [[ $host_only == no && ! -f "$natives/libppfarm_gpu_cuda.so" ]]; then
    echo "prepare: $natives/libppfarm_gpu_cuda.so is missing: build with -Dppfarm.cuda=on (or pass --host)" >&2; exit 1
fi

rm -rf "$bundle"
mkdir -p "$bundle/lib"
for m in prover cpu-kernels gpu-kernels; do
    "$jdk/bin/jar" --create --file "$bundle/lib/ppfarm-$m.jar" -C "$root/$m/target/classes" .
done
jackson=$(sed -n 's:.*<jackson.version>\(.*\)</jackson.version>.*:\1:p' "$root/pom.xml")
for a in jackson-databind jackson-core; do
    jar=$(find "${MAVEN_REPO:-$HOME/.m2/repository}/com/fasterxml/jackson/core/$a/$jackson" -name "$a-$jackson.jar" | head -1)
    [[ -n "$jar" ]] || { echo "prepare: $a $jackson is not in the local Maven repository: build the project first" >&2; exit 1; }
    cp "$jar" "$bundle/lib/"
done
ann=$(find "${MAVEN_REPO:-$HOME/.m2/repository}/com/fasterxml/jackson/core/jackson-annotations" -name 'jackson-annotations-*.jar' | sort | tail -1)
[[ -n "$ann" ]] && cp "$ann" "$bundle/lib/"

# java.base, and java.management for the prover's per-proof CPU accounting (CpuTime's ThreadMXBean): jdeps also
# names java.desktop and java.sql, which Jackson touches only for java.beans annotations and SQL types (guarded, unused
# here) and which would take the bundle over 64 MiB; run.sh's steps prove these suffice
modules=java.base,java.management
"$jdk/bin/jlink" --add-modules "$modules" --strip-java-debug-attributes --strip-native-debug-symbols=exclude-debuginfo-files \
    --no-header-files --no-man-pages --compress=zip-9 --output "$bundle/jre"
# packed: libjvm.so alone is 30 MB; run.sh unpacks it into a temporary folder on the device
tar -C "$bundle" -czf "$bundle/jre.tar.gz" jre && rm -rf "$bundle/jre"

artifacts=$(bash "$root/scripts/fetch-artifacts.sh")
cp "$artifacts/withdraw.zkey" "$bundle/"
# the witness of a generated test input (random test keys); the input itself is not kept
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node "$root/testkit/src/main/js/gen-0xbow-inputs.mjs" withdraw --seed 12 --state 5 --asp 3 --input-only > "$tmp/input.json"
(cd "$root" && node_modules/.bin/snarkjs wtns calculate "$artifacts/withdraw.wasm" "$tmp/input.json" "$bundle/withdraw.wtns" > /dev/null)
cp "$artifacts/withdraw.vkey" "$bundle/"

size=$(du -sm "$bundle" | cut -f1)
echo "prepare: bundle $bundle: ${size} MiB (modules: $modules)"
du -sh "$bundle"/* | sed 's/^/  /'
if (( size >= 64 )); then echo "prepare: the bundle is ${size} MiB, over the device tool's 64 MiB" >&2; exit 1; fi
