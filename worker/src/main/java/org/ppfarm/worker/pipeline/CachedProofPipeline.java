package org.ppfarm.worker.pipeline;

import org.ppfarm.proto.v1.InputKind;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.SolidityCalldata;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * <b>Benchmark only — not a prover.</b> Answers every job with one cached proof (read from the directory in system
 * property {@code ppfarm.bench.cachedProofDir}: proof.json, public.json), which ppfarm's verifier checks against the
 * circuit's verification key when the circuit is loaded. It measures how many jobs per second the farm can dispatch
 * when proving costs nothing; results carry backend {@value #BACKEND} so they can never pass for real proofs of the
 * job's input.
 */
public final class CachedProofPipeline implements ProvingPipeline {
    public static final String BACKEND = "cached-proof(dispatch-benchmark)";
    private final ProvingPipeline.Output cached;

    /** Factory named by {@code worker.pipeline.factory=org.ppfarm.worker.pipeline.CachedProofPipeline$Factory}. */
    public static final class Factory implements ProvingPipeline.Factory {
        @Override
        public ProvingPipeline load(CircuitFiles f) {
            String dir = System.getProperty("ppfarm.bench.cachedProofDir");
            if (dir == null) throw new IllegalStateException("set -Dppfarm.bench.cachedProofDir to a directory with proof.json and public.json");
            if (f.vkey() == null) throw new IllegalStateException("circuit " + f.name() + " was registered without a verification key");
            Proof proof = Proof.readJson(Path.of(dir, "proof.json"));
            PublicSignals pub = PublicSignals.readJson(Path.of(dir, "public.json"));
            if (!Verifier.verify(VerificationKey.readJson(f.vkey()), pub, proof))
                throw new IllegalStateException("cached proof in " + dir + " does not verify for circuit " + f.name());
            List<byte[]> elements = new ArrayList<>();
            List<byte[]> signals = new ArrayList<>();
            for (int i = 0; i < pub.size(); i++) signals.add(EnginePipeline.be32(pub.get(i)));
            return new CachedProofPipeline(new ProvingPipeline.Output(proof.toJson(), pub.toJson(), elements, signals,
                    SolidityCalldata.format(proof, pub), 0, 0, 0));
        }

        @Override
        public String backend() { return BACKEND; }
    }

    private CachedProofPipeline(ProvingPipeline.Output cached) { this.cached = cached; }

    @Override
    public ProvingPipeline.Output prove(InputKind kind, byte[] input) { return cached; }

}
