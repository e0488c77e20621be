// Generates privacypool/src/main/resources/org/ppfarm/privacypool/hash/poseidon-opt.bin from circomlibjs's
// optimized Poseidon constants (node_modules/circomlibjs/src/poseidon_constants_opt.json, the constants
// circomlib's poseidon.circom and circomlibjs's poseidon_opt.js use), for 1..MAX_INPUTS inputs.
// Run from the repository root:  node privacypool/src/gen/gen-poseidon-constants.mjs
//
// Layout (all integers big-endian):
//   "PPOS" | u8 version=1 | u8 maxInputs
//   per width t = 2..maxInputs+1:
//     u8 t | u8 nRoundsF | u8 nRoundsP | u16 |C| | u16 |S|
//     C (|C| x 32 bytes) | S (|S| x 32 bytes) | M (t*t x 32 bytes, row-major M[i][j]) | P (t*t x 32 bytes, row-major)
// Each constant is a canonical BN254 scalar-field element, 32 bytes big-endian, standard (not Montgomery) form.
import { readFileSync, writeFileSync } from "node:fs";

const MAX_INPUTS = 5;
const N_ROUNDS_F = 8;
const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const src = "node_modules/circomlibjs/src/poseidon_constants_opt.json";
const opt = JSON.parse(readFileSync(src, "utf8"));
const out = "privacypool/src/main/resources/org/ppfarm/privacypool/hash/poseidon-opt.bin";

const parts = [];
const u8 = (v) => parts.push(Buffer.from([v]));
const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); parts.push(b); };
const fe = (s) => {
  const v = BigInt(s);
  if (v < 0n || v >= P) throw new Error(`constant out of field: ${s}`);
  parts.push(Buffer.from(v.toString(16).padStart(64, "0"), "hex"));
};

parts.push(Buffer.from("PPOS", "ascii"));
u8(1);
u8(MAX_INPUTS);
for (let t = 2; t <= MAX_INPUTS + 1; t++) {
  const C = opt.C[t - 2], S = opt.S[t - 2], M = opt.M[t - 2], Pm = opt.P[t - 2];
  const nRoundsP = N_ROUNDS_P[t - 2];
  // t constants before the first round, t per full round except the last, one per partial round
  if (C.length !== N_ROUNDS_F * t + nRoundsP) throw new Error(`unexpected |C|=${C.length} for t=${t}`);
  if (S.length !== (2 * t - 1) * nRoundsP) throw new Error(`unexpected |S|=${S.length} for t=${t}`);
  u8(t); u8(N_ROUNDS_F); u8(nRoundsP); u16(C.length); u16(S.length);
  C.forEach(fe);
  S.forEach(fe);
  for (const row of M) { if (row.length !== t) throw new Error("M not square"); row.forEach(fe); }
  for (const row of Pm) { if (row.length !== t) throw new Error("P not square"); row.forEach(fe); }
}
const buf = Buffer.concat(parts);
writeFileSync(out, buf);
console.log(`${out}: ${buf.length} bytes, widths t=2..${MAX_INPUTS + 1}`);
