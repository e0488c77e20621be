#!/usr/bin/env bash
# Witness benchmark behind docs/benchmarks.md: for each circuit, ppfarm's warm in-process witness, a warm node
# process (circom_runtime's WitnessCalculatorBuilder built once, calculateWTNSBin per witness) and the
# `snarkjs wtns calculate` CLI, in one run on the same input, with `uptime` before and after (bench WitnessBench);
# then each circuit's cold load in a fresh JVM, with an empty compiled-circuit cache and again reading it (WitnessLoadBench).
# Usage: scripts/bench-witness.sh [runs, default 30] [snarkjs runs, default 5] [warm-up] [circuits...]
#   circuits: withdraw, commitment, or a testkit circuit by name (one_public, many_public, chain_below, chain_above,
#   assert_mul, poseidon); default: withdraw commitment poseidon chain_above
#   warm-up: untimed witnesses before the timed ones, for ppfarm and for the warm node alike; by default 2,000 for
#   withdraw and 20,000 for commitment (~3 and ~1 minutes). Each of circom's template functions runs once or a few
#   times per witness, so the JIT compiles them with C2 only after thousands of witnesses: after 300 the commitment
#   witness took 3.2 ms, after 20,000 1.2 ms, a warm node 1.3 ms in both (docs/benchmarks.md, session 17).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${1:-30}
snarkjs_runs=${2:-5}
warmup=${3:-}
shift $(( $# < 3 ? $# : 3 ))
circuits=("$@")
[ ${#circuits[@]} -gt 0 ] || circuits=(withdraw commitment poseidon chain_above)
bash scripts/setup-node.sh
bash scripts/fetch-artifacts.sh >/dev/null
for c in "${circuits[@]}"; do
  echo "== $c; uptime: $(uptime)"
  w=$warmup
  [ -n "$w" ] || { [ "$c" = withdraw ] && w=2000 || w=20000; }
  MAVEN_ARGS="${MAVEN_ARGS:--Dppfarm.cuda=off}" bash scripts/bench.sh WitnessBench "$c" "$runs" "$snarkjs_runs" "$w"
done
# cold load as a restarted worker does it (the 0xbow circuits): a fresh JVM with an empty compiled-circuit cache,
# then one reading it
loads=()
for c in "${circuits[@]}"; do case $c in withdraw|commitment) loads+=("$c");; esac; done
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
if [ ${#loads[@]} -gt 0 ]; then
  for round in "empty cache (compile)" "warm cache (restart)"; do
    echo "== cold load, $round; uptime: $(uptime)"
    MAVEN_ARGS="${MAVEN_ARGS:--Dppfarm.cuda=off}" bash scripts/bench.sh WitnessLoadBench "$cache" "${loads[@]}"
  done
fi
echo "uptime after: $(uptime)"
