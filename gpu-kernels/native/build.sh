#!/usr/bin/env bash
# Builds the native libraries of gpu-kernels and records what was built. The shared headers (field and curve
# maths, status codes, error plumbing) are cpu-kernels' (cpu-kernels/native/include), included by path.
#
#   native/build.sh <target-dir> [auto|on|off]
#
# Always builds libppfarm_gpu_host.so (g++, a few seconds). Builds libppfarm_gpu_cuda.so when the
# mode is "on", or "auto" (the Maven default) and nvcc is on the PATH. The libraries land in
# <target-dir>/classes/org/ppfarm/gpukernels/native/linux-x86_64/ (so they ship inside the jar),
# next to build-info.properties, which GpuAvailability reads to say why there is no CUDA library.
# CMake does the building when it is installed (incremental in <target-dir>/native-build); without
# it the same flags are passed to g++/nvcc directly.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../../cpu-kernels/native/include" && pwd)
target=${1:?usage: build.sh <target-dir> [auto|on|off]}
mode=${2:-auto}
mkdir -p "$target"
target=$(cd "$target" && pwd)
build="$target/native-build"
dest="$target/classes/org/ppfarm/gpukernels/native/linux-x86_64"
info="$target/classes/org/ppfarm/gpukernels/native/build-info.properties"
mkdir -p "$build" "$dest"

write_info() {  # host cuda reason
    {
        echo "# written by gpu-kernels/native/build.sh"
        echo "host=$1"
        echo "cuda=$2"
        echo "cuda.reason=$3"
        echo "nvcc.version=${nvcc_version:-}"
    } > "$info"
}

if [[ "$(uname -s)" != Linux || "$(uname -m)" != x86_64 ]]; then
    echo "gpu-kernels: native libraries are built for linux-x86_64 only; skipping on $(uname -s)-$(uname -m)"
    write_info skipped skipped "native libraries are built for linux-x86_64 only, this build ran on $(uname -s)-$(uname -m)"
    exit 0
fi

cuda=OFF
reason=""
nvcc_version=""
case "$mode" in
    off) reason="CUDA build disabled at build time (ppfarm.cuda=off)" ;;
    auto | on)
        if command -v nvcc > /dev/null 2>&1; then
            cuda=ON
            nvcc_version=$(nvcc --version | grep -o 'release [0-9.]*' | head -1 || true)
        else
            reason="nvcc was not found on the PATH when gpu-kernels was built"
            if [[ "$mode" == on ]]; then
                echo "gpu-kernels: ppfarm.cuda=on but nvcc is not on the PATH" >&2
                exit 1
            fi
        fi
        ;;
    *) echo "gpu-kernels: unknown CUDA mode '$mode' (auto, on or off)" >&2; exit 2 ;;
esac

if command -v cmake > /dev/null 2>&1; then
    args=(-S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPPFARM_CUDA="$cuda" -DPPFARM_SHARED_INCLUDE="$shared")
    if [[ "$cuda" == ON ]]; then args+=(-DCMAKE_CUDA_COMPILER="$(command -v nvcc)"); fi
    cmake "${args[@]}" > "$build/configure.log" 2>&1 || { cat "$build/configure.log" >&2; exit 1; }
    cmake --build "$build" --parallel 2
else
    echo "gpu-kernels: cmake not found, compiling directly"
    g++ -std=c++17 -O3 -fPIC -shared -fvisibility=hidden -Wall -Wextra -I"$here/include" -I"$here/src" -I"$shared" \
        "$here/src/host_api.cpp" -o "$build/libppfarm_gpu_host.so"
    if [[ "$cuda" == ON ]]; then
        nvcc -std=c++17 -O3 --extended-lambda -shared -cudart static -Xcompiler -fPIC,-fvisibility=hidden \
            -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 \
            -DPPG_CUDA_ARCHS='"90-real+90-virtual"' -I"$here/include" -I"$here/src" -I"$shared" \
            "$here/src/cuda_api.cu" "$here/src/cuda_msm_g1.cu" "$here/src/cuda_msm_g2.cu" \
            -o "$build/libppfarm_gpu_cuda.so"
    fi
fi

cp "$build/libppfarm_gpu_host.so" "$dest/"
if [[ "$cuda" == ON ]]; then
    cp "$build/libppfarm_gpu_cuda.so" "$dest/"
    write_info built built ""
else
    rm -f "$dest/libppfarm_gpu_cuda.so"
    write_info built skipped "$reason"
fi
echo "gpu-kernels: host library built; CUDA library: $([[ $cuda == ON ]] && echo built || echo "not built ($reason)")"
