// Reference witnesses for the witness tests, computed as `snarkjs wtns calculate` computes them (JSON.parse,
// ffjavascript's unstringifyBigInts, circom_runtime's WitnessCalculatorBuilder and calculateWTNSBin without the
// sanity check) but in one warm node process: the wasm is compiled once for all the inputs, instead of once per
// snarkjs CLI run (~0.5 s each); after a refusal the next input gets a fresh instance, as it would from the CLI.
// Usage: node witnesses.mjs <circuit.wasm> <input.json>...
// For each input, in order, prints one line "result <JSON>" (other lines are the circuits' log() output): {"ok": true}
// after writing <input.json>.wtns, or {"ok": false, "error": "<snarkjs's message>"} when snarkjs would refuse it.
import fs from "node:fs";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { utils } from "ffjavascript";

const [wasmPath, ...inputs] = process.argv.slice(2);
const wasm = fs.readFileSync(wasmPath);
let calc = await WitnessCalculatorBuilder(wasm);
for (const input of inputs) {
  try {
    const parsed = utils.unstringifyBigInts(JSON.parse(fs.readFileSync(input, "utf8")));
    fs.writeFileSync(input + ".wtns", await calc.calculateWTNSBin(parsed));
    console.log("result " + JSON.stringify({ ok: true }));
  } catch (e) {
    console.log("result " + JSON.stringify({ ok: false, error: String(e && e.message ? e.message : e).split("\n")[0] }));
    calc = await WitnessCalculatorBuilder(wasm);  // a fresh instance after a failure, as each snarkjs CLI run has
  }
}
