package org.ppfarm.privacypool;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.ppfarm.privacypool.protocol.InputSignals;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofResult;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.witness.WitnessCalculator;

/**
 * Proves circuit inputs built by privacypool the way the farm will: ppfarm's witness calculator on the circuit's
 * wasm, ppfarm's Groth16 prover on its zkey. The proof is then verified twice, by ppfarm's verifier and by snarkjs
 * (the reference), from the proof.json/public.json ppfarm writes. The inputs never touch the disk; the witness
 * (which holds the spending keys) is wiped after proving.
 */
public final class Proving {
    private Proving() {}

    /** A proof, its public signals, and both verifiers' verdicts. */
    public record Proved(JsonNode proof, List<BigInteger> publicSignals, boolean snarkjsVerifies, boolean ppfarmVerifies) {}

    private static final ConcurrentHashMap<Path, ProvingKey> KEYS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Path, WitnessCalculator> CALCULATORS = new ConcurrentHashMap<>();

    public static Proved prove(InputSignals inputs, Path wasm, Path zkey, Path vkey, Path dir, String name) {
        WitnessCalculator calc = CALCULATORS.computeIfAbsent(wasm, WitnessCalculator::load);
        ProvingKey pk = KEYS.computeIfAbsent(zkey, ZkeyFile::read);
        Witness w = calc.calculate(inputs.signals());
        ProofResult result;
        try {
            result = Groth16Prover.cpu().prove(pk, w);
        } finally {
            w.zeroize();
        }
        try {
            Path proof = dir.resolve(name + ".proof.json"), pub = dir.resolve(name + ".public.json");
            result.proof().writeJson(proof);
            result.publicSignals().writeJson(pub);
            boolean snarkjs = Snarkjs.groth16Verify(vkey, pub, proof);
            boolean ours = Verifier.verify(VerificationKey.readJson(vkey), result.publicSignals(), result.proof());
            List<BigInteger> signals = new ArrayList<>();
            for (int i = 0; i < result.publicSignals().size(); i++) signals.add(result.publicSignals().get(i));
            return new Proved(NodeOracle.JSON.readTree(proof.toFile()), List.copyOf(signals), snarkjs, ours);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
