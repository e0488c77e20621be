#!/usr/bin/env bash
# Issue 17's capacity sitting for withdraw (or commitment), on a quiet machine: `ppfarm bench` before, the embedded
# farm's capacity search (open loop, SLO p99 < 2 x the bench's witness + proof medians, steps of a tenth of the raw
# rate from START (0.6) of it, then 3 bisection steps), `ppfarm bench` after, `uptime` around each; prints the
# capacity, the raw rates and the farm efficiency (docs/benchmarks.md, "Load campaigns (issue 17)"). Every step lasts
# long enough for MIN_SAMPLES (100) requests at the first step's rate, at least 20 s: with fewer, a step's p99 is its
# slowest request or two, and one outlier fails it (sessions 13-14). For withdraw from START=0.6 that is ~85 s a step,
# 15-25 minutes a sitting (session 15's capacity was ~0.7 of the raw rate, so do not start above it). The warm-up is
# 120 s: the embedded farm's fixed-base tables take ~22 s of CPU, and its JIT compilers still take ~0.1 core for
# minutes after (session 11), which a shorter warm-up leaves in the first steps; after it, and once its requests have
# ended, the load tool's lead-in (`lead.in`, 10 s) keeps the first rate going so the first step starts on a farm at
# that rate (session 16's sitting failed its first step on its first two requests). The steps span START-1.3 x the raw
# rate of the bench before: if every step held (no refinement in the output), the machine was busier during that
# bench than during the search; run it again. Every thread's CPU is sampled each second during the search
# (OUT_DIR/threads.txt) and summarized over it, with the busiest threads of each second a request broke the SLO
# (OUT_DIR/threads-summary.txt; scripts/thread-cpu.py).
#
#   scripts/capacity-sitting.sh [OUT_DIR]     (default /tmp/capacity-sitting-<time>; needs node for the input)
#
# Environment: PPFARM_ARTIFACTS (default ~/.cache/ppfarm/artifacts/privacy-pools-core-sdk-1.0.2, as `ppfarm demo`
# fetches them), CIRCUIT (withdraw, the default, or commitment), BENCH_RUNS (default 10), BENCH_WARMUP (untimed
# proofs before them, default 3: the benches' JVMs are fresh, so more of them settle the JIT), START (the first step
# as a fraction of the raw rate, default 0.6; the commitment's proof is so short that the farm's own per-job costs
# decide its capacity, so start it lower, e.g. 0.2), REFINE_STEPS (default 3), MIN_SAMPLES (default 100), WARMUP (the
# farm's warm-up before the search, default 120s) and WARMUP_RATE (its rate in jobs/s, default the first step's: the
# commitment's witness code reaches the JIT's last tier only after thousands of witnesses, so warm it faster, e.g. 15).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-/tmp/capacity-sitting-$(date -u +%Y%m%d-%H%M%S)}
A=${PPFARM_ARTIFACTS:-$HOME/.cache/ppfarm/artifacts/privacy-pools-core-sdk-1.0.2}
circuit=${CIRCUIT:-withdraw}
runs=${BENCH_RUNS:-10}
warmup=${BENCH_WARMUP:-3}
start=${START:-0.6}
refine=${REFINE_STEPS:-3}
samples=${MIN_SAMPLES:-100}
farm_warmup=${WARMUP:-120s}
warmup_rate=()
[ -n "${WARMUP_RATE:-}" ] && warmup_rate=(--set warmup.rate="$WARMUP_RATE")
case "$circuit" in withdraw|commitment) ;; *) echo "capacity-sitting: CIRCUIT must be withdraw or commitment, got '$circuit'" >&2; exit 2;; esac
for f in "$circuit.zkey" "$circuit.wasm"; do
  [ -f "$A/$f" ] || { echo "capacity-sitting: $A/$f is missing (set PPFARM_ARTIFACTS, or run bin/ppfarm demo once)" >&2; exit 2; }
done
mkdir -p "$out"
cd "$root"
ppfarm=bin/ppfarm
# the CLI built now (not during the bench), without the CUDA kernels (a CPU sitting)
./mvnw -B -q -o -pl cli -am package -DskipTests -Dppfarm.cuda=off >"$out/build.log" 2>&1 || { echo "capacity-sitting: build failed ($out/build.log)" >&2; exit 3; }

# the same input as the sittings in docs/benchmarks.md
input="$out/$circuit-input.json"
node testkit/src/main/js/gen-0xbow-inputs.mjs "$circuit" --seed 7 --state 37 --asp 5 --input-only >"$input"

bench() {  # bench NAME: one `ppfarm bench` of the circuit, with uptime before and after
  { echo "uptime before: $(uptime)"
    $ppfarm bench --zkey "$A/$circuit.zkey" --wasm "$A/$circuit.wasm" --input "$input" --runs "$runs" --warmup "$warmup"
    echo "uptime after: $(uptime)"; } 2>&1 | tee "$out/$1.txt"
}
field() { sed -n "s/^$2 \([0-9.]*\) ms.*/\1/p" "$out/$1.txt" | head -1; }   # field NAME LABEL: a median in ms

bench bench-before
w=$(field bench-before 'witness median'); p=$(field bench-before median)
slo=$(python3 -c "print(round(2 * ($w + $p)))")
# steps of a tenth of the raw rate from START of it to 1.3 of it, each long enough for MIN_SAMPLES requests at the first
read -r rate step secs duration < <(python3 -c "
import math
r = 1000 / $p
first = max(0.05, round($start * r, 2))
secs = max(20, math.ceil($samples / first))
print(first, max(0.01, round(0.1 * r, 2)), secs, secs * (math.floor((1.3 - $start) / 0.1 + 1e-9) + 1))")
echo "capacity search of $circuit: from $rate jobs/s + $step every $secs s (to 1.3 x the raw rate; >= $samples requests a step), then $refine refinement steps; SLO p99 < $slo ms; warm-up $farm_warmup${WARMUP_RATE:+ at $WARMUP_RATE jobs/s}"
echo "uptime before the search: $(uptime)" | tee "$out/search-uptime.txt"
rc=0
$ppfarm load --campaign loadtest/campaigns/capacity-search.yaml --circuit "$circuit" --rate "$rate" --set step.rate="$step" \
  --set step.duration=${secs}s --set duration=${duration}s --set warmup="$farm_warmup" "${warmup_rate[@]}" --set abort.after=120s \
  --set slo="p99<${slo}ms" --set refine.steps="$refine" --set artifacts="$A" --report "$out/capacity" &
load=$!
# every thread's CPU each second, to lay beside a slow step (bin/ppfarm execs java: $! is the JVM)
scripts/thread-cpu.py sample "$load" "$out/threads.txt"
wait "$load" || rc=$?
echo "uptime after the search: $(uptime)" | tee -a "$out/search-uptime.txt"
scripts/thread-cpu.py summarize "$out/threads.txt" "$out/capacity" "$slo" > "$out/threads-summary.txt" 2>&1 || true
bench bench-after

python3 - "$out" "$rc" <<'EOF'
import json, re, sys
out, rc = sys.argv[1], sys.argv[2]
def medians(name):
    t = open(f"{out}/{name}.txt").read()
    w = float(re.search(r"^witness median ([0-9.]+) ms", t, re.M).group(1))
    p = float(re.search(r"^median ([0-9.]+) ms", t, re.M).group(1))
    c = re.search(r"^cpu median ([0-9.]+) ms per proof", t, re.M)
    return w, p, float(c.group(1)) if c else float("nan")
s = json.load(open(f"{out}/capacity/summary.json"))
cap = s.get("capacity_rate")
print(f"\ncapacity search exit {rc}; steps (rate jobs/s: achieved/s, p99 ms of n succeeded, held):")
for st in s.get("capacity_steps", []):
    print(f"  {st['rate']:.3f}{' (refinement)' if st.get('refinement') else ''}: {st['achieved_rate']}, {st['p99_ms']} of {st['succeeded']}, {st['held']}")
print(f"capacity: {cap} jobs/s" if cap else "capacity: none (not even the first step held)")
def efficiency(w, p):  # the capacity against a bench's witness and proof medians (ms)
    return f"; efficiency {cap * p / 1000:.3f} of 1/proof, {cap * (w + p) / 1000:.3f} of 1/(witness + proof)" if cap else ""
both = []
for name in ("bench-before", "bench-after"):
    w, p, c = medians(name)
    both.append((w, p))
    print(f"{name}: witness {w} ms + proof {p} ms (cpu {c} ms per proof): raw rate 1/proof {1000 / p:.3f}/s, "
          f"1/(witness + proof) {1000 / (w + p):.3f}/s{efficiency(w, p)}")
# the benches around a search differ by several per cent (sessions 12-13); their mean is the sitting's raw rate
w, p = (sum(x[0] for x in both) / 2, sum(x[1] for x in both) / 2)
if cap: print(f"both benches' mean: witness {w:.1f} ms + proof {p:.1f} ms{efficiency(w, p)}")
EOF
