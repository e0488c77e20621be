#!/usr/bin/env bash
# Groth16 prove benchmark behind docs/benchmarks.md: `ppfarm bench` (key loaded once, warm median) and
# `snarkjs groth16 prove` (one process per proof, as it is used) on the same witness, in the same run, with the
# machine's core count and load printed alongside.
# Usage: scripts/bench-groth16.sh [withdraw|commitment] [ppfarm runs, default 10] [snarkjs runs, default 5]
# The witness is made from a test note (not a real deposit) in a temporary directory that is removed on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
circuit=${1:-withdraw}
runs=${2:-10}
snarkjs_runs=${3:-5}
case "$circuit" in withdraw|commitment) ;; *) echo "bench-groth16: circuit must be withdraw or commitment" >&2; exit 2 ;; esac

bash scripts/setup-node.sh
art=$(bash scripts/fetch-artifacts.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# a valid input from the fixtures' generator (a partial withdrawal from a 37-leaf state tree, or a commitment)
if [ "$circuit" = withdraw ]; then gen=(withdraw --seed 1 --count 1 --state 37 --asp 5); else gen=(commitment --seed 1 --count 1); fi
node testkit/src/main/js/gen-0xbow-inputs.mjs "${gen[@]}" --input-only > "$work/input.json"
snarkjs() { node node_modules/snarkjs/build/cli.cjs "$@"; }
snarkjs wtns calculate "$art/$circuit.wasm" "$work/input.json" "$work/witness.wtns"

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/Mem:/{print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== ppfarm bench ($circuit, $runs runs)"
bin/ppfarm bench --zkey "$art/$circuit.zkey" --wtns "$work/witness.wtns" --runs "$runs" --verbose
echo "== ppfarm bench --sequential (where the CPU time goes, 3 runs)"
bin/ppfarm bench --zkey "$art/$circuit.zkey" --wtns "$work/witness.wtns" --runs 3 --verbose --sequential | grep -E '^(stage|cpu median)'

echo "== snarkjs groth16 prove ($circuit, $snarkjs_runs runs, one process each)"
times=() cpus=()
for i in $(seq "$snarkjs_runs"); do
  # wall and CPU (user + system, all of node's threads) of one `snarkjs groth16 prove` process
  /usr/bin/time -f '%e %U %S' -o "$work/time" node node_modules/snarkjs/build/cli.cjs groth16 prove \
    "$art/$circuit.zkey" "$work/witness.wtns" "$work/proof.json" "$work/public.json" >/dev/null
  read -r e u s < "$work/time"
  times+=("$(awk -v e="$e" 'BEGIN{printf "%d", e * 1000}')")
  cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u + s) * 1000}')")
  echo "run $i ${times[-1]} ms (cpu ${cpus[-1]} ms)"
done
median() { sort -n | awk '{a[NR]=$1} END {printf "%d", NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "snarkjs median $(printf '%s\n' "${times[@]}" | median) ms"
echo "min $(printf '%s\n' "${times[@]}" | sort -n | head -1) ms"
echo "max $(printf '%s\n' "${times[@]}" | sort -n | tail -1) ms"
echo "cpu median $(printf '%s\n' "${cpus[@]}" | median) ms per proof (user + system)"
snarkjs groth16 verify "$art/$circuit.vkey" "$work/public.json" "$work/proof.json" >/dev/null && echo "snarkjs's last proof verifies"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
