package org.ppfarm.worker.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.prover.PpfarmException;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofResult;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.SolidityCalldata;
import org.ppfarm.prover.groth16.Verifier;

import java.util.ArrayList;
import java.util.List;

/**
 * The production pipeline: ppfarm's Groth16 engine (module prover) proves in this JVM from a proving key parsed once
 * and kept resident, and ppfarm's verifier checks every proof against the key's verification key before it leaves.
 *
 * <p>Witnesses: a submitted .wtns is used as is. For circuit-input JSON the witness is computed — until module
 * witness (circom wasm in the JVM) lands on main — by snarkjs's calculator in a long-lived node process fed over
 * stdin (inputs never touch disk); swapping in the in-JVM calculator changes only {@link #witness}.
 */
public final class EnginePipeline implements ProvingPipeline {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Default of {@code worker.pipeline.factory}. */
    public static final class Factory implements ProvingPipeline.Factory {
        @Override
        public ProvingPipeline load(CircuitFiles f) throws Exception {
            ProvingKey pk = ZkeyFile.read(f.zkey());
            return new EnginePipeline(f.name(), pk, SnarkjsPipeline.Factory.start("-", f.wasm(), null));
        }

        @Override
        public String backend() { return "cpu"; }
    }

    private final String name;
    private final ProvingKey pk;
    private final SnarkjsPipeline witnessCalculator;
    private final Groth16Prover prover = Groth16Prover.cpu();

    private EnginePipeline(String name, ProvingKey pk, SnarkjsPipeline witnessCalculator) {
        this.name = name;
        this.pk = pk;
        this.witnessCalculator = witnessCalculator;
    }

    private Witness witness(InputKind kind, byte[] input) throws JobInputException, Exception {
        byte[] wtns = kind == InputKind.INPUT_KIND_WTNS ? input : witnessCalculator.witness(input);
        try {
            return WtnsFile.read("job witness", wtns);
        } catch (PpfarmException e) {
            throw new JobInputException(e.getMessage());
        } finally {
            if (wtns != input) java.util.Arrays.fill(wtns, (byte) 0);
        }
    }

    @Override
    public Output prove(InputKind kind, byte[] input) throws JobInputException, Exception {
        long t0 = System.nanoTime();
        Witness w = witness(kind, input);
        try {
            long t1 = System.nanoTime();
            ProofResult r;
            try {
                r = prover.prove(pk, w);
            } catch (PpfarmException e) { // wrong signal count, signal 0 not 1: the input does not fit this circuit
                throw new JobInputException(name + ": " + e.getMessage());
            }
            long t2 = System.nanoTime();
            if (!Verifier.verify(pk.preparedVerifyingKey(), r.publicSignals(), r.proof()))
                throw new JobInputException(name + ": the witness does not satisfy the circuit (unsatisfiable witness)");
            long t3 = System.nanoTime();
            String proofJson = r.proof().toJson(), publicJson = r.publicSignals().toJson();
            List<byte[]> elements = new ArrayList<>();
            JsonNode p = JSON.readTree(proofJson);
            for (int i = 0; i < 2; i++) elements.add(SnarkjsPipeline.be32(p.get("pi_a").get(i).asText()));
            for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) elements.add(SnarkjsPipeline.be32(p.get("pi_b").get(i).get(j).asText()));
            for (int i = 0; i < 2; i++) elements.add(SnarkjsPipeline.be32(p.get("pi_c").get(i).asText()));
            List<byte[]> signals = new ArrayList<>();
            for (int i = 0; i < r.publicSignals().size(); i++) signals.add(CachedProofPipeline.be32(r.publicSignals().get(i)));
            return new Output(proofJson, publicJson, elements, signals, SolidityCalldata.format(r.proof(), r.publicSignals()),
                    t1 - t0, t2 - t1, t3 - t2);
        } finally {
            w.zeroize();
        }
    }

    @Override
    public void close() {
        witnessCalculator.close();
        pk.close();
    }

}
