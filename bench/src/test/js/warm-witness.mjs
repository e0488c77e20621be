// The warm-node witness baseline for WitnessBench: circom_runtime's WitnessCalculatorBuilder (what snarkjs runs)
// built once, then calculateWTNSBin(input, true) per witness in the same process, as a relayer keeping node warm
// would run it. Each witness includes parsing the input JSON (as ppfarm's calculate(byte[]) does).
// Usage: node warm-witness.mjs <circuit.wasm> <input.json> <warmup> <runs> <out.wtns>
// Prints one JSON line: {"loadMs", "firstMs", "wallMs": [...], "cpuMs": [...]} and writes the last witness to out.wtns.
import fs from "node:fs";
import { WitnessCalculatorBuilder } from "circom_runtime";

const [wasmPath, inputPath, warmupArg, runsArg, outPath] = process.argv.slice(2);
const warmup = Number(warmupArg), runs = Number(runsArg);
const json = fs.readFileSync(inputPath, "utf8");
const t0 = process.hrtime.bigint();
const calc = await WitnessCalculatorBuilder(fs.readFileSync(wasmPath));
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
const wallMs = [], cpuMs = [];
let firstMs = 0, wtns;
for (let i = 0; i < warmup + runs; i++) {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  wtns = await calc.calculateWTNSBin(JSON.parse(json), true);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const cu = process.cpuUsage(c);
  if (i === 0) firstMs = ms;
  if (i >= warmup) { wallMs.push(ms); cpuMs.push((cu.user + cu.system) / 1000); }
}
fs.writeFileSync(outPath, wtns);
console.log(JSON.stringify({ loadMs, firstMs, wallMs, cpuMs }));
