#!/usr/bin/env bash
# Builds libppfarm_cpu.so, the CPU prover's native loops (module cpu-kernels).
#
#   native/build.sh <target-dir>
#
# The library lands in <target-dir>/classes/org/ppfarm/cpukernels/native/linux-x86_64/, so it ships inside the
# jar (org.ppfarm.cpukernels.NativeCpuLibrary finds it there). CMake builds it when installed (incremental in
# <target-dir>/native-build); without it g++ gets the same flags. Other platforms get no library, and the engine
# keeps its Java loops.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: build.sh <target-dir>}
mkdir -p "$target"
target=$(cd "$target" && pwd)
build="$target/native-build"
dest="$target/classes/org/ppfarm/cpukernels/native/linux-x86_64"

if [[ "$(uname -s)" != Linux || "$(uname -m)" != x86_64 ]]; then
    echo "cpu-kernels: the native library is built for linux-x86_64 only; skipping on $(uname -s)-$(uname -m)"
    exit 0
fi
mkdir -p "$build" "$dest"

if command -v cmake > /dev/null 2>&1; then
    cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release > "$build/configure.log" 2>&1 \
        || { cat "$build/configure.log" >&2; exit 1; }
    cmake --build "$build" --parallel 2
else
    echo "cpu-kernels: cmake not found, compiling directly"
    g++ -std=c++17 -O3 -fPIC -shared -fvisibility=hidden -Wall -Wextra -I"$here/include" -I"$here/src" \
        "$here/src/cpu_api.cpp" -o "$build/libppfarm_cpu.so"
fi
cp "$build/libppfarm_cpu.so" "$dest/"
echo "cpu-kernels: libppfarm_cpu.so built"
