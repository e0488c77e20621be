// Valid inputs for the production 0xbow withdraw and commitment circuits, built with the reference libraries
// (circomlibjs Poseidon, @zk-kit/lean-imt), exactly as the 0xbow SDK builds them (src/crypto.ts,
// src/core/withdrawal.service.ts): leaf = Poseidon(value, label, Poseidon(nullifier, secret)), the ASP tree holds
// labels, siblings are padded with zeros to 32.
//
//   node zerox-bow-inputs.cjs <outDir> <count> <seed>
// writes withdraw-<i>.json and commitment-<i>.json; state trees of 1..~600 leaves (depths 0..10), varying ASP trees.
// Values are deterministic in the seed (a test can reproduce a failure), never real keys.
"use strict";
const fs = require("fs");
const path = require("path");
const { buildPoseidon } = require("circomlibjs");
const { LeanIMT } = require("@zk-kit/lean-imt");

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

// xorshift64* so a seed reproduces a run
function rng(seed) {
  let s = BigInt.asUintN(64, BigInt(seed) * 0x9E3779B97F4A7C15n + 1n);
  const next64 = () => {
    s ^= s >> 12n; s ^= BigInt.asUintN(64, s << 25n); s ^= s >> 27n;
    return BigInt.asUintN(64, s * 0x2545F4914F6CDD1Dn);
  };
  const bits = (n) => { let v = 0n; for (let i = 0; i < n; i += 64) v = (v << 64n) | next64(); return v & ((1n << BigInt(n)) - 1n); };
  return { bits, field: () => bits(256) % R, int: (n) => Number(next64() % BigInt(n)) };
}

async function main() {
  const [outDir, countArg, seedArg] = process.argv.slice(2);
  const count = parseInt(countArg || "1", 10);
  const rnd = rng(seedArg || "1");
  const poseidon = await buildPoseidon();
  const F = poseidon.F;
  const h = (xs) => F.toObject(poseidon(xs));
  fs.mkdirSync(outDir, { recursive: true });
  const str = (v) => v.toString();
  const pad = (s) => [...s, ...Array(32 - s.length).fill(0n)];
  for (let i = 0; i < count; i++) {
    const value = rnd.bits(96) + 1n;
    const label = rnd.field() || 1n;
    const nullifier = rnd.field() || 1n;
    const secret = rnd.field() || 1n;
    const commitment = h([value, label, h([nullifier, secret])]);

    fs.writeFileSync(path.join(outDir, `commitment-${i}.json`), JSON.stringify(
      { value: str(value), label: str(label), nullifier: str(nullifier), secret: str(secret) }, null, 1));

    // depth grows with i so a run covers several tree shapes: 1 leaf (depth 0) up to a few hundred
    const stateLeaves = 1 + rnd.int(1 << Math.min(i % 11, 10));
    const state = new LeanIMT((a, b) => h([a, b]));
    const at = rnd.int(stateLeaves);
    const leaves = [];
    for (let j = 0; j < stateLeaves; j++) leaves.push(j === at ? commitment : rnd.field());
    state.insertMany(leaves);
    const sp = state.generateProof(at);

    const aspLeaves = 1 + rnd.int(1 << Math.min((i * 7) % 11, 10));
    const asp = new LeanIMT((a, b) => h([a, b]));
    const aat = rnd.int(aspLeaves);
    const labels = [];
    for (let j = 0; j < aspLeaves; j++) labels.push(j === aat ? label : rnd.field());
    asp.insertMany(labels);
    const ap = asp.generateProof(aat);

    const withdrawn = i % 5 === 0 ? value : rnd.bits(96) % (value + 1n);
    const input = {
      withdrawnValue: str(withdrawn),
      stateRoot: str(state.root),
      stateTreeDepth: str(state.depth),
      ASPRoot: str(asp.root),
      ASPTreeDepth: str(asp.depth),
      context: str(rnd.field()),
      label: str(label),
      existingValue: str(value),
      existingNullifier: str(nullifier),
      existingSecret: str(secret),
      newNullifier: str(rnd.field() || 1n),
      newSecret: str(rnd.field() || 1n),
      stateSiblings: pad(sp.siblings).map(str),
      stateIndex: str(sp.index),
      ASPSiblings: pad(ap.siblings).map(str),
      ASPIndex: str(ap.index),
    };
    fs.writeFileSync(path.join(outDir, `withdraw-${i}.json`), JSON.stringify(input, null, 1));
  }
}

main().then(() => process.exit(0), (e) => { console.error(e.message || e); process.exit(1); });
