#!/usr/bin/env bash
# Issue 19's experiment (docs/benchmarks.md, "Session 17: circom's wasm as native code"): how fast circom's witness
# wasm runs once wabt's wasm2c turns it into C and gcc compiles that, against a warm node process in the same run
# (bench/src/test/js/warm-witness.mjs, as scripts/bench-witness.sh measures it). Three builds of each circuit: gcc -O2;
# gcc -O3 -march=native; the latter with circom's Fr_F1m_mul and Fr_copy replaced by 64-bit C
# (bench/src/test/wasm2c/fr_kernels.h). Each build's last witness is compared with the warm node's .wtns, byte for byte.
# Not a product path: the harness (bench/src/test/wasm2c/witness_harness.c) exits on any trap; it times the input
# handed to the wasm and the witness read back, not the JSON parse that the warm node's figure includes.
#
#   scripts/bench-wasm2c-witness.sh [withdraw runs, default 30] [commitment runs, default 300]
#
# Needs wasm2c (Debian package wabt, 1.0.32 here) and gcc; the build's node tools. ~30 s of gcc and ~0.7 GB per build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v wasm2c >/dev/null || { echo "bench-wasm2c-witness: wasm2c not found (apt-get install wabt)" >&2; exit 2; }
rt=$(dirname "$(dpkg -L wabt 2>/dev/null | grep '/wasm-rt-impl.c$' | head -1)")
[ -f "$rt/wasm-rt-impl.c" ] || { echo "bench-wasm2c-witness: wasm2c's runtime (wasm-rt-impl.c) not found" >&2; exit 2; }
bash scripts/setup-node.sh >/dev/null
A=$(bash scripts/fetch-artifacts.sh)
here=bench/src/test/wasm2c
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
declare -A runs=([withdraw]=${1:-30} [commitment]=${2:-300})
declare -A warmup=([withdraw]=40 [commitment]=300)
# explicit bounds checks, no signal handler (as a JVM host would need)
cflags=(-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -I"$rt" -I"$work" -I"$here")
echo "uptime before: $(uptime)"
for c in withdraw commitment; do
  node testkit/src/main/js/gen-0xbow-inputs.mjs "$c" --seed 7 --state 37 --asp 5 --input-only >"$work/$c-input.json"
  node bench/src/test/js/witness-calls.mjs "$work/$c-input.json" "$work/$c.calls"
  wasm2c "$A/$c.wasm" -n "$c" -o "$work/$c.c"
  python3 "$here/patch_kernels.py" "$work/$c.c" "$work/${c}_kernels.c"
  for v in O2 O3 kernels; do
    case $v in O2) opt=(-O2); src=$c.c;; O3) opt=(-O3 -march=native); src=$c.c;; kernels) opt=(-O3 -march=native); src=${c}_kernels.c;; esac
    /usr/bin/time -f "$c $v: gcc %e s, peak RSS %M KB" gcc "${opt[@]}" "${cflags[@]}" -DCIRCUIT="$c" "-DCIRCUIT_H=\"$c.h\"" \
      "$here/witness_harness.c" "$work/$src" "$rt/wasm-rt-impl.c" -o "$work/$c-$v" 2>&1 | grep -v warning || true
  done
  echo "== $c; uptime: $(uptime)"
  node bench/src/test/js/warm-witness.mjs "$A/$c.wasm" "$work/$c-input.json" "${warmup[$c]}" "${runs[$c]}" "$work/$c-node.wtns" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s),m=a=>[...a].sort((x,y)=>x-y)[a.length>>1];
        console.log(`warm node: median ${m(j.wallMs).toFixed(3)} ms (process CPU ${m(j.cpuMs).toFixed(3)} ms)`)})'
  for v in O2 O3 kernels; do
    "$work/$c-$v" "$work/$c.calls" "${runs[$c]}" "$work/$c-$v.raw" | sed "s/^/wasm2c $v: /"
    python3 - "$work/$c-node.wtns" "$work/$c-$v.raw" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
o, sections = 12, {}
for _ in range(struct.unpack("<I", b[8:12])[0]):
    t, n = struct.unpack("<IQ", b[o:o + 12]); sections[t] = b[o + 12:o + 12 + n]; o += 12 + n
if open(sys.argv[2], "rb").read() != sections[2]:
    sys.exit("  witness DIFFERS from the warm node's .wtns")
print("  witness identical to the warm node's .wtns")
PY
  done
done
echo "uptime after: $(uptime)"
