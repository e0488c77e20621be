// Oracle for PoolProtocolTest: the 0xbow SDK (@0xbow/privacy-pools-core-sdk 1.0.2) and viem compute the protocol's
// hashes for the cases in the file argv[2]; the answer goes to the file argv[3]. All numbers are decimal strings.
// Input:  { "notes": [{value, label, nullifier, secret}], "keys": [{masterNullifier, masterSecret, scope, label, index}],
//           "mnemonics": [string], "contexts": [{processooor, data, scope}], "scopes": [{pool, chainId, asset}],
//           "labels": [{scope, nonce}], "addresses": [string] }
// Output: { "notes": [{commitment, precommitment, nullifierHash}], "keys": [{deposit: {nullifier, secret},
//           withdrawal: {nullifier, secret}}], "mnemonics": [{masterNullifier, masterSecret}], "contexts": [string],
//           "scopes": [string], "labels": [string], "addresses": [checksummed] }
// scope and label are computed as PrivacyPool.sol does, with viem's encodePacked + keccak256, mod p.
import { readFileSync, writeFileSync } from "node:fs";
import { keccak256, encodePacked, getAddress } from "viem";
import { buildPoseidon } from "circomlibjs";
import { getCommitment, hashPrecommitment, generateMasterKeys, generateDepositSecrets, generateWithdrawalSecrets,
  calculateContext } from "@0xbow/privacy-pools-core-sdk";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const req = JSON.parse(readFileSync(process.argv[2], "utf8"));
const poseidon = await buildPoseidon();
const s = (x) => BigInt(x).toString();

const out = {
  notes: (req.notes ?? []).map((n) => {
    const c = getCommitment(BigInt(n.value), BigInt(n.label), BigInt(n.nullifier), BigInt(n.secret));
    return { commitment: s(c.hash), precommitment: s(hashPrecommitment(BigInt(n.nullifier), BigInt(n.secret))),
      nullifierHash: s(poseidon.F.toObject(poseidon([BigInt(n.nullifier)]))) };
  }),
  keys: (req.keys ?? []).map((k) => {
    const keys = { masterNullifier: BigInt(k.masterNullifier), masterSecret: BigInt(k.masterSecret) };
    const d = generateDepositSecrets(keys, BigInt(k.scope), BigInt(k.index));
    const w = generateWithdrawalSecrets(keys, BigInt(k.label), BigInt(k.index));
    return { deposit: { nullifier: s(d.nullifier), secret: s(d.secret) },
      withdrawal: { nullifier: s(w.nullifier), secret: s(w.secret) } };
  }),
  mnemonics: (req.mnemonics ?? []).map((m) => {
    const k = generateMasterKeys(m);
    return { masterNullifier: s(k.masterNullifier), masterSecret: s(k.masterSecret) };
  }),
  contexts: (req.contexts ?? []).map((c) =>
    s(calculateContext({ processooor: c.processooor, data: c.data }, BigInt(c.scope)))),
  scopes: (req.scopes ?? []).map((x) =>
    s(BigInt(keccak256(encodePacked(["address", "uint256", "address"], [x.pool, BigInt(x.chainId), x.asset]))) % P)),
  labels: (req.labels ?? []).map((x) =>
    s(BigInt(keccak256(encodePacked(["uint256", "uint256"], [BigInt(x.scope), BigInt(x.nonce)]))) % P)),
  addresses: (req.addresses ?? []).map((a) => getAddress(a)),
};
writeFileSync(process.argv[3], JSON.stringify(out));
process.exit(0);
