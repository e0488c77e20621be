package org.ppfarm.bench;

import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.SolidityCalldata;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.worker.pipeline.EnginePipeline;
import org.ppfarm.worker.pipeline.ProvingPipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * <b>Benchmark fixture — not a prover.</b> Answers every job with one cached proof (proof.json and public.json in a
 * directory), which ppfarm's verifier checks against the circuit's verification key when the circuit is loaded. It
 * measures how many jobs per second the farm can dispatch when proving costs nothing; results carry backend
 * {@value #BACKEND} so they can never pass for real proofs of the job's input. It lives in test sources: no
 * production setting can select it; a benchmark hands its {@link Factory} to the worker in code.
 */
public final class CachedProofPipeline implements ProvingPipeline {
    public static final String BACKEND = "cached-proof(dispatch-benchmark)";
    private final ProvingPipeline.Output cached;

    /** Loads, for every circuit, the cached proof in {@code dir}, refusing one that does not verify for the circuit. */
    public record Factory(Path dir) implements ProvingPipeline.Factory {
        @Override
        public ProvingPipeline load(CircuitFiles f) {
            if (f.vkey() == null) throw new IllegalStateException("circuit " + f.name() + " was registered without a verification key");
            Proof proof = Proof.readJson(dir.resolve("proof.json"));
            PublicSignals pub = PublicSignals.readJson(dir.resolve("public.json"));
            if (!Verifier.verify(VerificationKey.readJson(f.vkey()), pub, proof))
                throw new IllegalStateException("cached proof in " + dir + " does not verify for circuit " + f.name());
            List<byte[]> signals = new ArrayList<>();
            for (int i = 0; i < pub.size(); i++) signals.add(EnginePipeline.be32(pub.get(i)));
            return new CachedProofPipeline(new ProvingPipeline.Output(proof.toJson(), pub.toJson(), List.of(), signals,
                    SolidityCalldata.format(proof, pub), 0, 0, 0, 0, 0, 0));
        }

        @Override
        public String backend() { return BACKEND; }
    }

    private CachedProofPipeline(ProvingPipeline.Output cached) { this.cached = cached; }

    @Override
    public ProvingPipeline.Output prove(InputKind kind, byte[] input) { return cached; }
}
