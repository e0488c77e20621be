package org.ppfarm.gpukernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofResult;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.ZeroXBowInputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole Groth16 proofs of the production 0xbow circuits with every MSM and the H step on the kernels: the engine's
 * prover with a {@link GpuBackend} gives exactly the CPU prover's proof for the same r, s, and snarkjs accepts it.
 * Both run on the host build of the kernels everywhere, and on the CUDA build where a GPU exists.
 */
class GpuProofTest {
    @TempDir Path dir;

    private static final long[] R = {0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L, 0x1111_2222_3333_4444L, 0x0123L};
    private static final long[] S = {0x0badc0ffee0ddf00L, 0x5eed5eed5eed5eedL, 0x7777888899990000L, 0x0456L};

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void commitmentProof(NativeKernels kernels) throws Exception {
        prove(kernels, "commitment", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey(),
                ZeroXBowInputs.commitment(11));
    }

    /** On the host build this is the slowest test of the module (~30 s on 2 busy cores): it is the whole pipeline. */
    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void withdrawProof(NativeKernels kernels) throws Exception {
        prove(kernels, "withdraw", Artifacts.withdrawZkey(), Artifacts.withdrawWasm(), Artifacts.withdrawVkey(),
                ZeroXBowInputs.withdraw(12, 5, 3));
    }

    private void prove(NativeKernels kernels, String name, Path zkey, Path wasm, Path vkey, String input) throws Exception {
        Path in = dir.resolve(name + "-input.json"), wtns = dir.resolve(name + ".wtns");
        Files.writeString(in, input);
        try {
            Snarkjs.wtnsCalculate(wasm, in, wtns);
        } finally {
            Files.deleteIfExists(in);  // test spending keys: not left on disk
        }
        Witness w = WtnsFile.read(wtns);
        Files.delete(wtns);
        try (ProvingKey pk = ZkeyFile.read(zkey); GpuBackend gpu = GpuBackend.on(kernels, 0, 0)) {
            ProofResult onKernels = new Groth16Prover(gpu, gpu).prove(pk, w, R.clone(), S.clone());
            ProofResult onCpu = Groth16Prover.cpu().prove(pk, w, R.clone(), S.clone());
            assertEquals(onCpu.proof(), onKernels.proof(), name + ": same proof as the CPU prover for the same r, s");
            assertTrue(Verifier.verify(pk.preparedVerifyingKey(), onKernels.publicSignals(), onKernels.proof()),
                    name + ": ppfarm's verifier accepts");
            Path proof = dir.resolve(name + "-proof.json"), pub = dir.resolve(name + "-public.json");
            onKernels.proof().writeJson(proof);
            onKernels.publicSignals().writeJson(pub);
            assertTrue(Snarkjs.groth16Verify(vkey, pub, proof), name + ": snarkjs accepts the proof made on " + gpu.name());
            assertTrue(gpu.context().memoryUsed() > 0, "the proving key's bases are resident");
        }
        Arrays.fill(w.limbs(), 0L);
    }
}
