// Oracle for the subset design's tests, written independently of ppfarm with circomlibjs Poseidon and viem keccak.
// Input (file argv[2]): {"trees": [{"depth", "zero", "leaves": [...]}], "notes": [{"secret", "asset", "index"}],
//   "metadata": [{"token", "denomination", "recipient", "relayer", "fee"}]}
// Output (file argv[3]): {"constants": {empty, allowed, blocked}, "trees": [{"root", "siblings0"}],
//   "notes": [{"raw", "stamped", "nullifier"}], "metadata": [{"asset", "withdraw"}]}
// A fixed-depth tree's root: leaves 0..n-1 given, every other leaf `zero`; computed level by level with the
// all-zero subtree roots for the part right of the given leaves. siblings0: leaf 0's proof.
import { readFileSync, writeFileSync } from "node:fs";
import { keccak256, toHex, encodeAbiParameters } from "viem";
import { buildPoseidon } from "circomlibjs";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const req = JSON.parse(readFileSync(process.argv[2], "utf8"));
const poseidon = await buildPoseidon();
const H = (xs) => poseidon.F.toObject(poseidon(xs));
const k = (s) => (BigInt(keccak256(toHex(s))) % P).toString();

function tree(depth, zero, leaves) {
  let level = leaves.map(BigInt);
  let z = BigInt(zero);
  const siblings0 = [];
  for (let l = 0; l < depth; l++) {
    siblings0.push((level.length > 1 ? level[1] : z).toString());
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(H([level[i], i + 1 < level.length ? level[i + 1] : z]));
    level = next;
    z = H([z, z]);
  }
  return { root: (level.length ? level[0] : z).toString(), siblings0 };
}

const out = {
  constants: { empty: k("empty"), allowed: k("allowed"), blocked: k("blocked") },
  trees: (req.trees ?? []).map((t) => tree(t.depth, t.zero, t.leaves)),
  notes: (req.notes ?? []).map((n) => {
    const raw = H([BigInt(n.secret)]);
    return { raw: raw.toString(), stamped: H([raw, BigInt(n.asset)]).toString(),
      nullifier: H([BigInt(n.secret), 1n, BigInt(n.index)]).toString() };
  }),
  metadata: (req.metadata ?? []).map((m) => ({
    asset: (BigInt(keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [m.token, BigInt(m.denomination)]))) % P).toString(),
    withdraw: (BigInt(keccak256(encodeAbiParameters([{ type: "address" }, { type: "address" }, { type: "uint256" }],
      [m.recipient, m.relayer, BigInt(m.fee)]))) % P).toString(),
  })),
};
writeFileSync(process.argv[3], JSON.stringify(out));
process.exit(0);
