package org.ppfarm.privacypool;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ppfarm.privacypool.protocol.CircuitInputs;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.testkit.Snarkjs;

/**
 * Proves circuit inputs built by privacypool with snarkjs (witness with the circuit's wasm, Groth16 with its zkey)
 * and verifies the proof twice: snarkjs's verifier and ppfarm's. Until ppfarm's own prover lands this is the
 * end-to-end path; the inputs file (test keys) lives in the caller's temporary directory.
 */
public final class Proving {
    private Proving() {}

    /** A proof, its public signals as the prover wrote them, and both verifiers' verdicts. */
    public record Proved(JsonNode proof, List<BigInteger> publicSignals, boolean snarkjsVerifies, boolean ppfarmVerifies) {}

    public static Proved prove(CircuitInputs inputs, Path wasm, Path zkey, Path vkey, Path dir, String name) {
        try {
            Path in = Files.writeString(dir.resolve(name + ".input.json"), inputs.toJson());
            Path wtns = dir.resolve(name + ".wtns"), proof = dir.resolve(name + ".proof.json"), pub = dir.resolve(name + ".public.json");
            Snarkjs.wtnsCalculate(wasm, in, wtns);
            Files.delete(in);
            Snarkjs.groth16Prove(zkey, wtns, proof, pub);
            Files.delete(wtns);
            boolean snarkjs = Snarkjs.groth16Verify(vkey, pub, proof);
            boolean ours = Verifier.verify(VerificationKey.readJson(vkey), PublicSignals.readJson(pub), Proof.readJson(proof));
            List<BigInteger> signals = new ArrayList<>();
            NodeOracle.JSON.readTree(pub.toFile()).forEach(n -> signals.add(new BigInteger(n.asText())));
            return new Proved(NodeOracle.JSON.readTree(proof.toFile()), List.copyOf(signals), snarkjs, ours);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
