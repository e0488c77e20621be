#!/usr/bin/env bash
# A circuit of about 2^20 constraints against rapidsnark, in one run (docs/benchmarks.md, issue 18 deliverable 3):
# compiles bench/src/test/circom/<circuit>.circom once (cached: circom2 from npm takes long at this size, so this is
# a benchmark, not a test), writes a development zkey with `ppfarm zkey dev-setup` (UNSAFE key, benchmark only),
# computes the witness with snarkjs, then alternates one-shot `ppfarm prove` and rapidsnark `prover` processes on the
# same zkey and witness, printing each one's wall time and peak RSS (/usr/bin/time's maximum resident set size:
# heap, off-heap and mapped file pages alike), verifies each one's last proof with snarkjs, and finishes with
# `ppfarm bench --reference` (ppfarm's warm median, key resident, next to rapidsnark's in the same process run).
#
# Usage: scripts/bench-bigcircuit.sh [rapidsnark prover] [one-shot runs, default 3] [circuit, default square_chain]
#   circuit: square_chain (1,048,000 constraints, one per step: circom2 compiles it in minutes) or poseidon_chain
#   (4,400 Poseidon(2), 1,042,800 constraints: circom2 --O2 needs far longer, see docs/benchmarks.md), or the path
#   of any .circom file whose main takes one input signal x (square_chain) or seed (poseidon_chain)
#   rapidsnark: default ../shared/anchors/rapidsnark/prover beside the checkout
#   square_chain's r1cs and witness are written by scripts/square-chain.py (byte for byte what circom2 --O2 and
#   snarkjs write; checked at N = 65,000) unless PPFARM_BIG_CIRCOM=1 asks for circom2.
# Environment: PPFARM_CACHE (default ~/.cache/ppfarm) holds the compiled circuit, key and witness;
#   PPFARM_JAVA_OPTS is passed to ppfarm's JVM (bin/ppfarm).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
reference=${1:-$root/../shared/anchors/rapidsnark/prover}
runs=${2:-3}
circuit=${3:-square_chain}
if [ -f "$circuit" ]; then src=$(cd "$(dirname "$circuit")" && pwd)/$(basename "$circuit"); circuit=$(basename "$circuit" .circom)
else src="$root/bench/src/test/circom/$circuit.circom"; fi
[ -f "$src" ] || { echo "bench-bigcircuit: no $src" >&2; exit 2; }
[ -x "$reference" ] || { echo "bench-bigcircuit: no reference prover at $reference" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-bigcircuit: /usr/bin/time is needed for peak RSS (apt-get install time)" >&2; exit 2; }

bash scripts/setup-node.sh
cache=${PPFARM_CACHE:-$HOME/.cache/ppfarm}
out="$cache/bigcircuit/$circuit-$(cat "$src" | sha256sum | cut -c1-16)"
mkdir -p "$out"
snarkjs() { node "$root/node_modules/snarkjs/build/cli.cjs" "$@"; }
if [ "$circuit" = square_chain ] && [ -z "${PPFARM_BIG_CIRCOM:-}" ] && [ ! -f "$out/$circuit.r1cs" ]; then
  # circom2 from npm had not finished SquareChain(1048000) after 15 min of CPU: write what it writes instead
  n=$(sed -n 's/.*SquareChain(\([0-9]*\)).*/\1/p' "$src" | tail -1)
  echo "== writing SquareChain($n)'s r1cs and witness (x = 3) with scripts/square-chain.py (as circom2 --O2 and snarkjs write them)"
  /usr/bin/time -f 'square-chain.py: %e s' python3 scripts/square-chain.py "$n" "$out"
fi
if [ ! -f "$out/$circuit.r1cs" ]; then
  echo "== compiling $circuit with circom2 --O2 (once; cached in $out)"
  # the circom2 launcher sees only its working directory's tree: run from / with absolute paths (testkit's Circom)
  (cd / && /usr/bin/time -f 'circom: %e s, peak RSS %M KB' node "$root/node_modules/circom2/cli.js" --O2 --r1cs --wasm \
    -l "$root/node_modules" -o "$out" "$src") | grep -E 'constraints|wires|circom:' || true
  [ -f "$out/$circuit.r1cs" ] || { echo "bench-bigcircuit: circom failed" >&2; exit 1; }
fi
zkey="$out/$circuit.UNSAFE-dev.zkey" vkey="$out/$circuit.UNSAFE-dev.vkey.json" wtns="$out/$circuit.wtns"
if [ ! -f "$zkey" ]; then
  echo "== ppfarm zkey dev-setup (once)"
  /usr/bin/time -f 'dev-setup: %e s wall, %U s user, peak RSS %M KB' bin/ppfarm zkey dev-setup "$out/$circuit.r1cs" "$zkey" "$vkey"
fi
if [ ! -f "$wtns" ]; then
  case "$circuit" in square_chain) echo '{"x": "3"}' ;; *) echo '{"seed": "1"}' ;; esac > "$out/input.json"
  /usr/bin/time -f 'snarkjs wtns calculate: %e s' node "$root/node_modules/snarkjs/build/cli.cjs" wtns calculate \
    "$out/${circuit}_js/$circuit.wasm" "$out/input.json" "$wtns"
fi
ls -l "$zkey" "$wtns" | awk '{print $5, $9}'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/Mem:/{print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
bin/ppfarm backend | head -3 || true
echo "== one-shot proofs, alternating: wall s, peak RSS KB (ppfarm: JVM start + reading the key + one proof + its verification)"
for i in $(seq "$runs"); do
  /usr/bin/time -f "ppfarm     run $i: %e s wall, %U s user, peak RSS %M KB" -o "$work/t" \
    bin/ppfarm prove "$zkey" "$wtns" "$work/ppfarm-proof.json" "$work/ppfarm-public.json" >/dev/null
  cat "$work/t"
  /usr/bin/time -f "rapidsnark run $i: %e s wall, %U s user, peak RSS %M KB" -o "$work/t" \
    "$reference" "$zkey" "$wtns" "$work/rapidsnark-proof.json" "$work/rapidsnark-public.json" >/dev/null
  cat "$work/t"
done
snarkjs groth16 verify "$vkey" "$work/ppfarm-public.json" "$work/ppfarm-proof.json" | tail -1
snarkjs groth16 verify "$vkey" "$work/rapidsnark-public.json" "$work/rapidsnark-proof.json" | tail -1
# the same values (rapidsnark writes compact JSON, ppfarm snarkjs's indented form)
node -e 'const [a, b] = process.argv.slice(1).map(f => JSON.stringify(JSON.parse(require("fs").readFileSync(f, "utf8"))));
  console.log(a === b ? "public signals agree" : "PUBLIC SIGNALS DIFFER"); process.exit(a === b ? 0 : 1)' \
  "$work/ppfarm-public.json" "$work/rapidsnark-public.json"

echo "== ppfarm bench --reference (warm, key resident)"
bin/ppfarm bench --zkey "$zkey" --wtns "$wtns" --runs 3 --warmup 1 --verbose --reference "$reference" --reference-runs 3
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
