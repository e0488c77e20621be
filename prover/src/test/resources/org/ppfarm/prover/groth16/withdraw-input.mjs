// Prints a valid input.json for the 0xbow withdraw circuit (snarkjs input format, decimal strings): a deposit
// note (value, label, nullifier, secret) whose commitment sits in a small Lean IMT state tree, its label in an
// ASP tree, and a partial withdrawal to a new note. Hashes are circomlibjs Poseidon, trees @zk-kit/lean-imt —
// the same primitives the 0xbow SDK uses. argv[2] is a seed that varies the note and the trees.
import { buildPoseidon } from "circomlibjs";
import { LeanIMT } from "@zk-kit/lean-imt";

const seed = BigInt(process.argv[2] ?? "1");
const poseidon = await buildPoseidon();
const hash = (xs) => poseidon.F.toObject(poseidon(xs));

const value = 1000000n + seed, label = 424242n * seed + 7n, nullifier = 1111n + seed, secret = 2222n * seed + 3n;
const commitment = hash([value, label, hash([nullifier, secret])]);

const state = new LeanIMT((a, b) => hash([a, b]));
const leaves = [5n + seed, 6n, commitment, 7n, 8n * seed];
leaves.forEach((x) => state.insert(x));
const asp = new LeanIMT((a, b) => hash([a, b]));
[99n, label, 100n + seed].forEach((x) => asp.insert(x));

const stateProof = state.generateProof(2), aspProof = asp.generateProof(1);
const pad = (s) => [...s, ...Array(32 - s.length).fill(0n)];
const input = {
  withdrawnValue: 300n + seed,
  stateRoot: state.root,
  stateTreeDepth: BigInt(state.depth),
  ASPRoot: asp.root,
  ASPTreeDepth: BigInt(asp.depth),
  context: 123456789n * seed,
  label,
  existingValue: value,
  existingNullifier: nullifier,
  existingSecret: secret,
  newNullifier: 3333n + seed,
  newSecret: 4444n + seed,
  stateSiblings: pad(stateProof.siblings),
  stateIndex: BigInt(stateProof.index),
  ASPSiblings: pad(aspProof.siblings),
  ASPIndex: BigInt(aspProof.index),
};
console.log(JSON.stringify(input, (k, v) => (typeof v === "bigint" ? v.toString() : v)));
