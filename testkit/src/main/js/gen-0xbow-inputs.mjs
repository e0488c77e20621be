#!/usr/bin/env node
// Valid inputs for the production 0xbow Privacy Pools circuits (withdraw, commitment/ragequit), for tests.
//
// Usage: node testkit/src/main/js/gen-0xbow-inputs.mjs withdraw   --seed S [--count K | --input-only] --state N --asp M [--full]
//        node testkit/src/main/js/gen-0xbow-inputs.mjs commitment --seed S [--count K | --input-only]
//
// Prints a JSON array of K cases (seeds S, S+1, ...) on stdout — with --input-only, just the circuit input of seed
// S's case, as snarkjs `wtns calculate` and `ppfarm bench --input` read it — and writes no files: the inputs hold spending keys
// (nullifier, secret) — random test keys here, but callers should keep the habit. Each case is
//   {"seed", "input": {circuit signals, decimal strings}, "publicSignals": [expected, decimal],
//    "request": {the ppfarm `inputs` request shape of issue 4}}           (request: withdraw only)
// Everything is a deterministic function of the seed (SHA-256 of "seed:tag"), so tests can reproduce a case.
//
// How the values are computed, and cross-checked against the 0xbow SDK (@0xbow/privacy-pools-core-sdk 1.0.2):
//  - Poseidon is circomlibjs's; the note's commitment is also recomputed with the SDK's getCommitment.
//  - scope = keccak256(abi.encodePacked(pool, chainId, asset)) mod p; label = keccak256(abi.encodePacked(scope, nonce)) mod p.
//  - context = the SDK's calculateContext(withdrawal, scope).
//  - state tree (N commitments, the note's at a seeded position) and ASP tree (M labels, the note's label among
//    them) are @zk-kit/lean-imt trees over Poseidon(2). Proofs are zk-kit's compressed proofs (a sibling only
//    where one exists, the index built from those levels' bits), zero-padded to maxTreeDepth = 32 as the SDK's
//    generateMerkleProof does (checked against it for trees up to 2000 leaves). *TreeDepth = tree.depth.
//  - withdraw: 0 < withdrawnValue < value (--full: withdrawnValue = value); change note (value - withdrawn, same
//    label, fresh newNullifier/newSecret). Values < 2^128 as the circuit's range checks require.
import { createHash } from "node:crypto";
import { buildPoseidon } from "circomlibjs";
import { LeanIMT } from "@zk-kit/lean-imt";
import { keccak256, encodePacked, getAddress, toHex } from "viem";
import { calculateContext, generateMerkleProof, getCommitment } from "@0xbow/privacy-pools-core-sdk";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const MAX_DEPTH = 32;
const SDK_CHECK_LIMIT = 2000;

function fail(msg) {
  process.stderr.write(`gen-0xbow-inputs: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const [kind, ...rest] = argv;
  if (kind !== "withdraw" && kind !== "commitment") fail(`first argument must be withdraw or commitment, got ${kind}`);
  const o = { kind, seed: null, count: 1, state: null, asp: null, full: false, inputOnly: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === "--full") { o.full = true; continue; }
    if (a === "--input-only") { o.inputOnly = true; continue; }
    const v = rest[++i];
    if (v === undefined) fail(`${a} needs a value`);
    if (a === "--seed") o.seed = BigInt(v);
    else if (a === "--count") o.count = Number(v);
    else if (a === "--state") o.state = Number(v);
    else if (a === "--asp") o.asp = Number(v);
    else fail(`unknown option ${a}`);
  }
  if (o.seed === null) fail("--seed is required");
  if (!Number.isInteger(o.count) || o.count < 1) fail(`--count must be a positive integer`);
  if (o.inputOnly && o.count !== 1) fail("--input-only prints one case's input: no --count");
  if (kind === "withdraw") {
    for (const k of ["state", "asp"]) {
      if (!Number.isInteger(o[k]) || o[k] < 1) fail(`--${k} must be a positive integer (number of tree leaves)`);
    }
  }
  return o;
}

/** Deterministic randomness: SHA-256("seed:tag") as a big integer. */
function rnd(seed, tag) {
  return BigInt("0x" + createHash("sha256").update(`${seed}:${tag}`).digest("hex"));
}
const field = (seed, tag) => { const x = rnd(seed, tag) % P; return x === 0n ? 1n : x; };
const below = (seed, tag, n) => rnd(seed, tag) % n;
const address = (seed, tag) => getAddress("0x" + (rnd(seed, tag) & ((1n << 160n) - 1n)).toString(16).padStart(40, "0"));
const dec = (xs) => xs.map((x) => x.toString());

function buildCase(o, seed, poseidon) {
  const H = (xs) => poseidon.F.toObject(poseidon(xs));
  const pool = address(seed, "pool");
  const asset = address(seed, "asset");
  const chainId = 1n + below(seed, "chain", 100000n);
  const scope = BigInt(keccak256(encodePacked(["address", "uint256", "address"], [pool, chainId, asset]))) % P;
  const nonce = rnd(seed, "nonce");
  const label = BigInt(keccak256(encodePacked(["uint256", "uint256"], [scope, nonce]))) % P;
  // realistic deposit sizes: up to about 10^24 wei, far below the circuit's 2^128 range check
  const value = 2n + below(seed, "value", 10n ** 24n);
  const nullifier = field(seed, "nullifier");
  const secret = field(seed, "secret");
  const precommitment = H([nullifier, secret]);
  const commitment = H([value, label, precommitment]);
  const nullifierHash = H([nullifier]);
  const sdkCommitment = getCommitment(value, label, nullifier, secret);
  if (sdkCommitment.hash !== commitment) fail(`seed ${seed}: circomlibjs commitment differs from the SDK's`);

  if (o.kind === "commitment") {
    return {
      seed: seed.toString(),
      input: { value: value.toString(), label: label.toString(), nullifier: nullifier.toString(), secret: secret.toString() },
      publicSignals: dec([commitment, nullifierHash, value, label]),
      scope: scope.toString(),
    };
  }

  // State tree: other deposits' commitments (random field elements) with the note's at a seeded index.
  const stateIndex = Number(below(seed, "stateIndex", BigInt(o.state)));
  const stateLeaves = [];
  for (let i = 0; i < o.state; i++) stateLeaves.push(i === stateIndex ? commitment : field(seed, `state${i}`));
  const aspIndex = Number(below(seed, "aspIndex", BigInt(o.asp)));
  const aspLeaves = [];
  for (let i = 0; i < o.asp; i++) aspLeaves.push(i === aspIndex ? label : field(seed, `asp${i}`));

  const stateProof = paddedProof(stateLeaves, stateIndex, H);
  const aspProof = paddedProof(aspLeaves, aspIndex, H);

  const withdrawnValue = o.full ? value : 1n + below(seed, "withdrawn", value - 1n);
  const newNullifier = field(seed, "newNullifier");
  const newSecret = field(seed, "newSecret");
  if (newNullifier === nullifier) fail(`seed ${seed}: new nullifier equals the old one`);
  const newCommitment = H([value - withdrawnValue, label, H([newNullifier, newSecret])]);
  const withdrawal = { processooor: address(seed, "processooor"), data: toHex(rnd(seed, "data"), { size: 32 }) };
  const context = BigInt(calculateContext(withdrawal, scope));

  const input = {
    withdrawnValue: withdrawnValue.toString(),
    stateRoot: stateProof.root.toString(),
    stateTreeDepth: stateProof.depth.toString(),
    ASPRoot: aspProof.root.toString(),
    ASPTreeDepth: aspProof.depth.toString(),
    context: context.toString(),
    label: label.toString(),
    existingValue: value.toString(),
    existingNullifier: nullifier.toString(),
    existingSecret: secret.toString(),
    newNullifier: newNullifier.toString(),
    newSecret: newSecret.toString(),
    stateSiblings: dec(stateProof.siblings),
    stateIndex: stateProof.index.toString(),
    ASPSiblings: dec(aspProof.siblings),
    ASPIndex: aspProof.index.toString(),
  };
  return {
    seed: seed.toString(),
    input,
    publicSignals: dec([newCommitment, nullifierHash, withdrawnValue, stateProof.root, BigInt(stateProof.depth),
      aspProof.root, BigInt(aspProof.depth), context]),
    request: {
      scope: scope.toString(),
      note: { value: value.toString(), label: label.toString(), nullifier: nullifier.toString(), secret: secret.toString() },
      stateLeaves: dec(stateLeaves),
      aspLeaves: dec(aspLeaves),
      withdrawal,
      withdrawnValue: withdrawnValue.toString(),
      newNullifier: newNullifier.toString(),
      newSecret: newSecret.toString(),
    },
    leafIndex: { state: stateIndex, asp: aspIndex },
  };
}

/** zk-kit Lean IMT proof of leaves[index], siblings zero-padded to MAX_DEPTH; cross-checked with the SDK. */
function paddedProof(leaves, index, H) {
  const tree = new LeanIMT((a, b) => H([a, b]));
  tree.insertMany(leaves);
  if (tree.depth > MAX_DEPTH) fail(`tree of ${leaves.length} leaves is deeper than ${MAX_DEPTH}`);
  const p = tree.generateProof(index);
  if (!tree.verifyProof(p)) fail(`zk-kit rejects its own proof for leaf ${index}`);
  const siblings = [...p.siblings, ...Array(MAX_DEPTH - p.siblings.length).fill(0n)];
  if (leaves.length <= SDK_CHECK_LIMIT && leaves.indexOf(leaves[index]) === index) {
    const s = generateMerkleProof(leaves, leaves[index]);
    const same = s.root === p.root && BigInt(s.index) === BigInt(p.index)
      && s.siblings.length === MAX_DEPTH && s.siblings.every((x, i) => BigInt(x) === siblings[i]);
    if (!same) fail(`the SDK's generateMerkleProof differs for leaf ${index} of ${leaves.length}`);
  }
  return { root: p.root, index: p.index, siblings, depth: tree.depth };
}

const o = parseArgs(process.argv.slice(2));
const poseidon = await buildPoseidon();
const cases = [];
for (let k = 0; k < o.count; k++) cases.push(buildCase(o, o.seed + BigInt(k), poseidon));
process.stdout.write(o.inputOnly ? JSON.stringify(cases[0].input) : JSON.stringify(cases) + "\n");
