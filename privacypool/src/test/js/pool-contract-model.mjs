// A model of 0xbow's PrivacyPool contract (deposit, withdraw, ragequit; the Entrypoint's ASP root) for
// PoolSimulationTest: it replays an event log and reports, per event, whether the contract would accept it and why
// not. Written independently of ppfarm: circomlibjs Poseidon, @zk-kit/lean-imt, viem keccak/encodePacked, the
// SDK's calculateContext, and snarkjs groth16.verify with the production verification keys.
// Input (file argv[2]):
//   {"scope", "pool", "withdrawVkey", "commitmentVkey", "events": [
//     {"type": "deposit", "depositor": "0x…", "value", "precommitment"},
//     {"type": "aspRoot", "labels": [...]}                        (the ASP posts the root of these labels)
//     {"type": "withdraw", "sender": "0x…", "withdrawal": {"processooor", "data"}, "proof", "publicSignals"},
//     {"type": "ragequit", "sender": "0x…", "proof", "publicSignals"}]}
// Output (file argv[3]): [{"ok": bool, "reason"?: string, "label"?, "commitment"?, "stateRoot"}] per event.
import { readFileSync, writeFileSync } from "node:fs";
import { keccak256, encodePacked, getAddress } from "viem";
import { LeanIMT } from "@zk-kit/lean-imt";
import { buildPoseidon } from "circomlibjs";
import { calculateContext } from "@0xbow/privacy-pools-core-sdk";
import * as snarkjs from "snarkjs";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const MAX_TREE_DEPTH = 32n;
const ROOT_HISTORY_SIZE = 64;

const req = JSON.parse(readFileSync(process.argv[2], "utf8"));
const withdrawVkey = JSON.parse(readFileSync(req.withdrawVkey, "utf8"));
const commitmentVkey = JSON.parse(readFileSync(req.commitmentVkey, "utf8"));
const poseidon = await buildPoseidon();
const H = (xs) => poseidon.F.toObject(poseidon(xs));
const scope = BigInt(req.scope);

const state = new LeanIMT((a, b) => H([a, b]));
const roots = [];                 // recent state roots (the contract keeps a ring of them)
const spent = new Set();
const depositors = new Map();     // label -> depositor
let nonce = 0n;
let aspRoot = 0n;

function insert(leaf) {
  state.insert(leaf);
  roots.push(state.root);
  if (roots.length > ROOT_HISTORY_SIZE) roots.shift();
}

const out = [];
for (const e of req.events) {
  const r = { ok: true };
  try {
    if (e.type === "deposit") {
      nonce += 1n;
      const label = BigInt(keccak256(encodePacked(["uint256", "uint256"], [scope, nonce]))) % P;
      depositors.set(label, getAddress(e.depositor));
      const commitment = H([BigInt(e.value), label, BigInt(e.precommitment)]);
      insert(commitment);
      r.label = label.toString();
      r.commitment = commitment.toString();
    } else if (e.type === "aspRoot") {
      const t = new LeanIMT((a, b) => H([a, b]));
      t.insertMany(e.labels.map(BigInt));
      aspRoot = t.root;
    } else if (e.type === "withdraw") {
      const [newCommitment, nullifierHash, withdrawnValue, stateRoot, stateDepth, ASPRoot, aspDepth, context] =
        e.publicSignals.map(BigInt);
      if (getAddress(e.sender) !== getAddress(e.withdrawal.processooor)) throw new Error("InvalidProcessooor");
      if (context !== BigInt(calculateContext(e.withdrawal, scope))) throw new Error("ContextMismatch");
      if (stateDepth > MAX_TREE_DEPTH || aspDepth > MAX_TREE_DEPTH) throw new Error("InvalidTreeDepth");
      if (!roots.includes(stateRoot)) throw new Error("UnknownStateRoot");
      if (ASPRoot !== aspRoot) throw new Error("IncorrectASPRoot");
      if (!(await snarkjs.groth16.verify(withdrawVkey, e.publicSignals, e.proof))) throw new Error("InvalidProof");
      if (spent.has(nullifierHash)) throw new Error("NullifierAlreadySpent");
      spent.add(nullifierHash);
      insert(newCommitment);
      r.withdrawnValue = withdrawnValue.toString();
    } else if (e.type === "ragequit") {
      const [commitment, nullifierHash, value, label] = e.publicSignals.map(BigInt);
      if (depositors.get(label) !== getAddress(e.sender)) throw new Error("OnlyOriginalDepositor");
      if (!(await snarkjs.groth16.verify(commitmentVkey, e.publicSignals, e.proof))) throw new Error("InvalidProof");
      if (state.indexOf(commitment) < 0) throw new Error("InvalidCommitment");
      if (spent.has(nullifierHash)) throw new Error("NullifierAlreadySpent");
      spent.add(nullifierHash);
      r.value = value.toString();
    } else {
      throw new Error(`unknown event type ${e.type}`);
    }
  } catch (err) {
    r.ok = false;
    r.reason = err.message;
  }
  r.stateRoot = state.size > 0 ? state.root.toString() : "0";
  out.push(r);
}
writeFileSync(process.argv[3], JSON.stringify(out));
process.exit(0);
