// Oracle for PoseidonTest: reads a JSON array of input arrays (decimal strings) from the file named by argv[2] and
// writes to argv[3] a JSON array of [reference, wasm] results, each as decimal strings: circomlibjs's plain reference
// permutation (poseidon_reference.js, unoptimized constants) and its wasm build (what the SDKs call).
import { readFileSync, writeFileSync } from "node:fs";
import { buildPoseidonReference, buildPoseidon } from "circomlibjs";

const inputs = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ref = await buildPoseidonReference();
const wasm = await buildPoseidon();
const out = inputs.map((xs) => {
  const args = xs.map(BigInt);
  return [ref.F.toObject(ref(args)).toString(), wasm.F.toObject(wasm(args)).toString()];
});
writeFileSync(process.argv[3], JSON.stringify(out));
process.exit(0);
