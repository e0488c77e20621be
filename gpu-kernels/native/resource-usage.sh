#!/usr/bin/env bash
# Prints the CUDA kernels' resource usage as Markdown: per kernel and per non-inlined device function, registers per
# thread, spill stores/loads, stack frame, shared memory and SASS size, for sm_90, from the build alone (no device).
#
#   gpu-kernels/native/resource-usage.sh [work-dir]      (default: a temporary folder, removed afterwards)
#
# The CUDA 13 install here has nvcc and ptxas but no cuobjdump or nvdisasm, so instead of reading the cubin inside
# libppfarm_gpu_cuda.so this compiles the same three translation units with build.sh's flags to sm_90 cubins
# (ptxas gives the same code for the same input and flags): ptxas -v reports registers, spills, stack and shared
# memory, and each function's ELF section .text.<name> in the cubin is its SASS, 16 bytes per sm_90 instruction.
# Probe kernels measure one Fq and one Fq2 product and one G1 and one G2 addition on their own: a called device
# function's SASS lies in each calling kernel's section, so functions get no size of their own.
# Kernels are the extended lambdas of the orchestration (for_each_kernel<lambda>); each row names the body its
# lambda calls (read from the enclosing function's source), that function, the curve and the launch bounds
# [threads per block, blocks per multiprocessor] where given. CUB's sort and scan kernels are left out. Takes nvcc
# a few CPU-minutes (the G2 file most); a work-dir argument keeps the cubins and ptxas reports.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../../cpu-kernels/native/include" && pwd)
if [[ $# -ge 1 ]]; then
    work=$1
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
command -v nvcc > /dev/null || { echo "resource-usage.sh: nvcc is not on the PATH" >&2; exit 1; }
command -v readelf > /dev/null || { echo "resource-usage.sh: readelf (binutils) is needed" >&2; exit 1; }

cat > "$work/probe.cu" << 'EOF'
// One Fq product, one Fq2 product, one G1 and one G2 Jacobian addition per thread: their SASS sizes on their own
// (in a kernel, a called function's SASS is counted in the kernel's section).
#include "ppfarm/curve.cuh"
using namespace ppfarm;
__global__ void probe_fq_mul(Fq* r, const Fq* a, const Fq* b) { r[threadIdx.x] = a[threadIdx.x] * b[threadIdx.x]; }
__global__ void probe_fq2_mul(Fq2* r, const Fq2* a, const Fq2* b) { r[threadIdx.x] = a[threadIdx.x] * b[threadIdx.x]; }
__global__ void probe_g1_add(Jacobian<G1Params>* r, const Jacobian<G1Params>* a) { r[threadIdx.x] = add(a[threadIdx.x], a[threadIdx.x + 1]); }
__global__ void probe_g2_add(Jacobian<G2Params>* r, const Jacobian<G2Params>* a) { r[threadIdx.x] = add(a[threadIdx.x], a[threadIdx.x + 1]); }
EOF

flags=(-std=c++17 -O3 --extended-lambda -cubin -arch=sm_90 -Xptxas -v -DPPG_CUDA_ARCHS='"90-real+90-virtual"'
       -I"$here/include" -I"$here/src" -I"$shared")
units=("$here/src/cuda_api.cu" "$here/src/cuda_msm_g1.cu" "$here/src/cuda_msm_g2.cu" "$work/probe.cu")
pids=()
for u in "${units[@]}"; do
    name=$(basename "$u" .cu)
    nvcc "${flags[@]}" "$u" -o "$work/$name.cubin" > "$work/$name.ptxas.txt" 2>&1 &
    pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        echo "resource-usage.sh: nvcc failed on ${units[$i]}:" >&2
        cat "$work/$(basename "${units[$i]}" .cu).ptxas.txt" >&2
        status=1
    fi
done
[[ $status -eq 0 ]] || exit 1
for u in "${units[@]}"; do
    name=$(basename "$u" .cu)
    readelf -S -W "$work/$name.cubin" > "$work/$name.sections.txt"
done

python3 - "$work" "$here/src" << 'EOF'
import glob, os, re, subprocess, sys

work, src = sys.argv[1], sys.argv[2]
sources = {p: open(p).read() for p in glob.glob(os.path.join(src, "*.hpp")) + glob.glob(os.path.join(src, "*.inl"))
           + glob.glob(os.path.join(src, "*.cuh"))}


def demangle(names):
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def lambda_bodies(function):
    """The bodies called by the lambdas of `function`, in source order (the order of their #N in mangled names)."""
    for text in sources.values():
        for m in re.finditer(r"^( *)(?:[\w:<>*&]+ )+" + re.escape(function) + r"\(", text, re.M):  # a definition
            end = text.find("\n" + m.group(1) + "}\n", m.end())  # the definition's closing brace (or a declaration's next)
            found = []
            for lam in re.finditer(r"PP_LAMBDA\(", text[m.end():end]):
                start = m.end() + lam.end()
                chunk = text[start:text.find("});", start)]
                call = re.search(r"(?:msm|ntt)::(\w+)", chunk)
                found.append(call.group(1) if call else "")
            if found:
                return found
    return []


def label(demangled):
    """A short name: the body a lambda kernel calls, with its enclosing function, curve and launch bounds."""
    lam = re.search(r"ppfarm::(?:CudaExec::)?(?!for_each_kernel)(\w+)(?:<([^()]*)>)?\([^)]*\)(?: const)?"
                    r"::\{lambda\(unsigned long\)#(\d+)\}", demangled)
    if lam:
        function, targs, index = lam.group(1), lam.group(2) or "", int(lam.group(3))
        bodies = lambda_bodies(function)
        body = bodies[index - 1] if index <= len(bodies) else "lambda #%d" % index
        curve = re.search(r"(G[12]|Fr|Fq2|Fq)Params|\bFq2\b", targs)
        shape = re.search(r"for_each_kernel<(\d+), (\d+),", demangled)
        where = function + (", " + curve.group(0).replace("Params", "") if curve else "")
        return "%s%s" % ("%s (%s)" % (body, where) if body else where, " [%s, %s]" % shape.groups() if shape else "")
    name = re.sub(r"\(.*", "", demangled)
    name = name.rsplit(" ppfarm::", 1)[-1].replace("ppfarm::", "").replace("Params", "")
    return name


rows = []
for unit in ["cuda_api", "cuda_msm_g1", "cuda_msm_g2", "probe"]:
    sizes = {}
    for line in open(os.path.join(work, unit + ".sections.txt")):
        m = re.search(r"\]\s+\.text\.(\S+)\s+PROGBITS\s+\S+\s+\S+\s+([0-9a-f]+)", line)
        if m:
            sizes[m.group(1)] = int(m.group(2), 16)
    props, current, kernels = {}, None, set()
    for line in open(os.path.join(work, unit + ".ptxas.txt")):
        m = re.search(r"Compiling entry function '(\S+)'", line)
        if m:
            kernels.add(m.group(1))
        m = re.search(r"Function properties for (\S+)", line)
        if m:
            current = m.group(1)
            props.setdefault(current, {})
            continue
        m = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", line)
        if m and current:
            props[current].update(stack=int(m.group(1)), st=int(m.group(2)), ld=int(m.group(3)))
            continue
        m = re.search(r"Used (\d+) registers", line)
        if m and current:
            smem = re.search(r"(\d+) bytes smem", line)
            props[current].update(regs=int(m.group(1)), smem=int(smem.group(1)) if smem else 0)
    names = sorted(set(props) | set(sizes))
    for name, dem in zip(names, demangle(names)):
        if dem.startswith("void cub::") or "THRUST" in dem:
            continue  # CUB's sort and scan kernels: not ours, and the same before and after
        p = props.get(name, {})
        kind = "kernel" if name in kernels else "function"
        if kind == "kernel":
            rows.append((unit, kind, label(dem), p.get("regs", ""), p.get("st", ""), p.get("ld", ""), p.get("stack", ""),
                         p.get("smem", ""), sizes.get(name, 0) // 16))
        else:  # registers are the calling kernel's; SASS lies in the kernel's section
            rows.append((unit, kind, label(dem), "", p.get("st", ""), p.get("ld", ""), p.get("stack", ""), "", ""))

print("| unit | kind | kernel or function | registers | spill stores (B) | spill loads (B) | stack (B) | shared (B) "
      "| SASS instructions |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|")
for unit, kind, name, regs, st, ld, stack, smem, instr in sorted(rows, key=lambda r: (r[0], r[1] != "kernel", r[2])):
    print("| %s | %s | `%s` | %s | %s | %s | %s | %s | %s |" % (unit, kind, name.replace("|", "\\|"), regs, st, ld,
                                                             stack, smem, instr))
EOF
