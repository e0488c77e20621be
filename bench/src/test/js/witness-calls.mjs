// The input of scripts/bench-wasm2c-witness.sh's harness: each input signal's element as circom_runtime's witness
// calculator hands it to the wasm (name hashed with 64-bit FNV-1a, arrays flattened, values reduced mod r), one
// 44-byte record each — hash MSB, hash LSB, index, 8 little-endian words, all u32 little-endian — after a u32 count.
// Usage: node witness-calls.mjs <input.json> <out.calls>
import fs from "node:fs";

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const [inputPath, outPath] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(inputPath, "utf8"));
const flat = (a, out = []) => { if (Array.isArray(a)) for (const x of a) flat(x, out); else out.push(a); return out; };
const fnv1a64 = (s) => {
  let h = 0xcbf29ce484222325n;
  for (const c of s) h = ((h ^ BigInt(c.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
};
const records = [];
for (const [name, value] of Object.entries(input)) {
  const h = fnv1a64(name);
  flat(value).forEach((v, i) => {
    let n = BigInt(v) % R;
    if (n < 0n) n += R;
    records.push([Number(h >> 32n), Number(h & 0xffffffffn), i, n]);
  });
}
const buf = Buffer.alloc(4 + records.length * 44);
buf.writeUInt32LE(records.length, 0);
records.forEach(([msb, lsb, i, n], k) => {
  const o = 4 + k * 44;
  buf.writeUInt32LE(msb, o);
  buf.writeUInt32LE(lsb, o + 4);
  buf.writeUInt32LE(i, o + 8);
  for (let w = 0; w < 8; w++, n >>= 32n) buf.writeUInt32LE(Number(n & 0xffffffffn), o + 12 + 4 * w);
});
fs.writeFileSync(outPath, buf);
