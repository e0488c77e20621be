// Reference proving backend for tests: snarkjs 0.7.5 in a long-lived node process, one circuit per process.
// Requests arrive on stdin as one JSON object per line ({id, kind: "json"|"wtns", input | wtnsBase64}), answers leave
// on stdout the same way. Inputs stay in memory: nothing is written to disk.
const snarkjs = require("snarkjs");
const fs = require("fs");
const readline = require("readline");
const [zkeyPath, wasmPath, vkeyPath] = process.argv.slice(2);
// zkey "-": witness-only mode (the in-JVM engine proves)
const zkey = zkeyPath === "-" ? null : { type: "mem", data: new Uint8Array(fs.readFileSync(zkeyPath)) };
const wasm = new Uint8Array(fs.readFileSync(wasmPath));
let vkeyPromise = vkeyPath ? Promise.resolve(JSON.parse(fs.readFileSync(vkeyPath, "utf8"))) : zkey ? snarkjs.zKey.exportVerificationKey(zkey) : null;
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
let chain = Promise.resolve();
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  chain = chain.then(async () => {
    let req;
    try { req = JSON.parse(line); } catch (e) { out({ id: -1, error: "bad request line" }); return; }
    try {
      const t0 = process.hrtime.bigint();
      let wtns;
      if (req.kind === "wtns") wtns = { type: "mem", data: new Uint8Array(Buffer.from(req.wtnsBase64, "base64")) };
      else { wtns = { type: "mem" }; await snarkjs.wtns.calculate(req.input, wasm, wtns); }
      const t1 = process.hrtime.bigint();
      if (req.kind === "witness") { out({ id: req.id, wtnsBase64: Buffer.from(wtns.data).toString("base64"), witnessNs: String(t1 - t0) }); return; }
      const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, wtns);
      const t2 = process.hrtime.bigint();
      const ok = await snarkjs.groth16.verify(await vkeyPromise, publicSignals, proof);
      const t3 = process.hrtime.bigint();
      if (!ok) { out({ id: req.id, error: "internal: proof failed verification" }); return; }
      const calldata = await snarkjs.groth16.exportSolidityCallData(proof, publicSignals);
      out({ id: req.id, proof, publicSignals, calldata,
            witnessNs: String(t1 - t0), proveNs: String(t2 - t1), verifyNs: String(t3 - t2) });
    } catch (e) {
      out({ id: req.id, invalid: true, error: String(e && e.message ? e.message : e).split("\n")[0] });
    }
  });
});
