package org.ppfarm.gpukernels;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.TestCircuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPU fault → CPU retry, with the faults made for real on the host build of the kernels: a memory bound the circuit's
 * points do not fit in (the native library refuses the upload, as a device out of memory would), and an MSM backend
 * whose results are wrong (a corrupted GPU), both through {@link GpuFallbackProver#prove}, the worker's path.
 */
class GpuFallbackProverTest {
    private static final TestCircuits.Fixture CIRCUIT = TestCircuits.manyPublic();
    private static final Groth16Prover CPU = Groth16Prover.cpu();
    private static long[] witness;

    @BeforeAll
    static void witness(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("input.json"), wtns = dir.resolve("w.wtns");
        Files.writeString(in, CIRCUIT.exampleInput());
        Snarkjs.wtnsCalculate(CIRCUIT.wasm(), in, wtns);
        witness = WtnsFile.read(wtns).limbs().clone();
    }

    private static Witness witness() { return Witness.ofStandardLimbs(witness.clone(), "test witness"); }

    @Test
    void aHealthyGpuProvesAndStaysHealthy() throws Exception {
        try (ProvingKey pk = ZkeyFile.read(CIRCUIT.zkey()); GpuBackend gpu = GpuBackend.on(NativeKernels.host(), 0, 0)) {
            GpuFallbackProver p = new GpuFallbackProver(new Groth16Prover(gpu, gpu), gpu.name(), CPU, "cpu");
            GpuFallbackProver.Attempt a = p.prove(pk, witness());
            assertTrue(a.verified());
            assertEquals(gpu.name(), a.backend());
            assertNull(a.gpuFault());
            assertTrue(p.healthy());
            assertEquals(0, p.faults());
            assertEquals(gpu.name(), p.backend());
            assertEquals(Map.of(gpu.name(), 0L, "cpu", 0L), p.verificationFailures());
        }
    }

    @Test
    void aNativeErrorRetriesOnTheCpuAndMarksTheGpuUnhealthy() throws Exception {
        // 4 KiB: the circuit's bases do not fit, so the native upload fails with PPF_E_BUDGET inside the proof
        try (ProvingKey pk = ZkeyFile.read(CIRCUIT.zkey()); GpuBackend gpu = GpuBackend.on(NativeKernels.host(), 0, 4096)) {
            GpuFallbackProver p = new GpuFallbackProver(new Groth16Prover(gpu, gpu), gpu.name(), CPU, "cpu");
            GpuFallbackProver.Attempt a = p.prove(pk, witness());
            assertTrue(a.verified(), "the CPU's proof verifies");
            assertTrue(Verifier.verify(pk.preparedVerifyingKey(), a.result().publicSignals(), a.result().proof()));
            assertEquals("cpu", a.backend());
            assertTrue(a.gpuFault().contains("device memory bound exceeded"), a.gpuFault());
            assertFalse(p.healthy());
            assertEquals(1, p.faults());
            assertEquals("cpu", p.backend());

            // later jobs go straight to the CPU: no new fault
            GpuFallbackProver.Attempt b = p.prove(pk, witness());
            assertTrue(b.verified());
            assertEquals("cpu", b.backend());
            assertNull(b.gpuFault());
            assertEquals(1, p.faults());
            assertEquals(Map.of(gpu.name(), 0L, "cpu", 0L), p.verificationFailures(), "a CUDA error is no verification failure");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Corruption.class)
    void anInvalidGpuProofIsNeverReturned(Corruption corruption) throws Exception {
        try (ProvingKey pk = ZkeyFile.read(CIRCUIT.zkey()); GpuBackend gpu = GpuBackend.on(NativeKernels.host(), 0, 0)) {
            GpuFallbackProver p = new GpuFallbackProver(new Groth16Prover(new Corrupted(gpu, corruption), gpu), gpu.name(), CPU, "cpu");
            GpuFallbackProver.Attempt a = p.prove(pk, witness());
            assertTrue(a.verified());
            assertTrue(Verifier.verify(pk.preparedVerifyingKey(), a.result().publicSignals(), a.result().proof()));
            assertEquals("cpu", a.backend());
            assertTrue(a.gpuFault().contains(corruption == Corruption.OFF_CURVE ? "malformed" : "failed verification"), a.gpuFault());
            assertTrue(a.gpuFault().endsWith("and the CPU's proof of the same witness verified"), a.gpuFault());
            assertFalse(p.healthy());
            assertEquals(1, p.faults());
            assertEquals(Map.of(gpu.name(), 1L, "cpu", 0L), p.verificationFailures());
        }
    }

    @Test
    void anUnsatisfiableWitnessIsNotTheGpusFault() throws Exception {
        long[] bad = witness.clone();
        bad[4 * (int) (CIRCUIT.info().nPublic() + 1)] ^= 1;   // a private signal: no longer satisfies the constraints
        try (ProvingKey pk = ZkeyFile.read(CIRCUIT.zkey()); GpuBackend gpu = GpuBackend.on(NativeKernels.host(), 0, 0)) {
            GpuFallbackProver p = new GpuFallbackProver(new Groth16Prover(gpu, gpu), gpu.name(), CPU, "cpu");
            GpuFallbackProver.Attempt a = p.prove(pk, Witness.ofStandardLimbs(bad, "unsatisfiable"));
            assertFalse(a.verified(), "no backend proves an unsatisfiable witness");
            assertNull(a.gpuFault());
            assertTrue(p.healthy());
            assertEquals(0, p.faults());
            assertEquals(Map.of(gpu.name(), 0L, "cpu", 1L), p.verificationFailures(), "counted once, on the CPU's proof");
        }
    }

    /** How the corrupted backend's MSM results go wrong: a point off the curve, or a valid point that is wrong (−P). */
    enum Corruption { OFF_CURVE, NEGATED }

    /** A GPU backend gone wrong: every MSM result is corrupted as {@code how} says. */
    private record Corrupted(GpuBackend gpu, Corruption how) implements MsmBackend {
        @Override public String name() { return gpu.name(); }
        @Override public Bases prepare(Group group, MemorySegment points, int offset, int count) { return gpu.prepare(group, points, offset, count); }
        @Override public void msm(Bases bases, long[] scalars, long[] out) {
            gpu.msm(bases, scalars, out);
            if (how == Corruption.OFF_CURVE) {
                out[0] ^= 1;
            } else {   // y (one Fq coordinate for G1, two for G2) negated
                for (int i = out.length / 2; i < out.length; i += 4) Field.FQ.neg(out, i, out, i);
            }
        }
    }
}
