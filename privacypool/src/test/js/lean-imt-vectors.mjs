// Oracle for LeanIMTTest: builds @zk-kit/lean-imt trees with Poseidon(2) (circomlibjs) and reports roots, depths and
// proofs. Input (file argv[2]): [{ "batches": [[leaf, ...], ...], "single": bool, "updates": [[index, leaf], ...],
// "proofs": [index, ...], "sdk": bool }, ...] — each batch goes in with insertMany, or leaf by leaf with insert when "single".
// Output (file argv[3]): [{ "root", "depth", "size", "proofs": [{ "root", "leaf", "index", "siblings" }] }, ...], numbers as decimal
// strings; with "sdk", also the 0xbow SDK's generateMerkleProof (siblings zero-padded to 32) for the first
// requested proof (the SDK hashes with maci-crypto's BigInt Poseidon, slow: a few cases only).
import { readFileSync, writeFileSync } from "node:fs";
import { LeanIMT } from "@zk-kit/lean-imt";
import { buildPoseidon } from "circomlibjs";
import { generateMerkleProof } from "@0xbow/privacy-pools-core-sdk";

const poseidon = await buildPoseidon();
const hash = (a, b) => poseidon.F.toObject(poseidon([a, b]));
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const str = (p) => ({ root: p.root.toString(), leaf: p.leaf.toString(), index: p.index,
  siblings: p.siblings.map((s) => s.toString()) });

const out = cases.map((c) => {
  const tree = new LeanIMT(hash);
  for (const batch of c.batches) {
    const leaves = batch.map(BigInt);
    if (c.single) leaves.forEach((l) => tree.insert(l)); else tree.insertMany(leaves);
  }
  for (const [i, v] of c.updates ?? []) tree.update(i, BigInt(v));
  const r = { root: tree.root.toString(), depth: tree.depth, size: tree.size,
    proofs: (c.proofs ?? []).map((i) => str(tree.generateProof(i))) };
  if (c.sdk) {
    r.sdk = str(generateMerkleProof(tree.leaves, tree.leaves[c.proofs[0]]));
  }
  return r;
});
writeFileSync(process.argv[3], JSON.stringify(out));
process.exit(0);
