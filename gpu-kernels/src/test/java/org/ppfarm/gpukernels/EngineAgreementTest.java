package org.ppfarm.gpukernels;

import java.util.Random;

import org.ppfarm.cpukernels.MsmFixture;
import org.ppfarm.cpukernels.Oracle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.msm.CpuMsm;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.prover.msm.MsmBackend.Group;
import org.ppfarm.prover.ntt.CpuNttBackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The kernels' MSM and NTT give limb-for-limb the engine's CPU results (CpuMsm, CpuNttBackend). */
class EngineAgreementTest {

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void msmAgreesWithCpuMsm(NativeKernels kernels) {
        CpuMsm cpu = new CpuMsm();
        try (GpuBackend gpu = GpuBackend.on(kernels, 0, 1L << 30)) {
            for (Group g : Group.values()) {
                int n = g == Group.G1 ? 1 << 11 : 1 << 9;
                MsmFixture fx = new MsmFixture(g, n, 50 + g.ordinal());
                Random rnd = new Random(51);
                long[][] vectors = {MsmFixture.randomScalars(n, rnd), MsmFixture.edgeScalars(n, rnd), new long[4 * n]};
                long[][] want = new long[3][g.affineLongs], got = new long[3][g.affineLongs];
                try (MsmBackend.Bases cb = cpu.prepare(g, fx.bases, 0, n); MsmBackend.Bases gb = gpu.prepare(g, fx.bases, 0, n)) {
                    cpu.msmBatch(cb, vectors, want);
                    gpu.msmBatch(gb, vectors, got);
                }
                for (int v = 0; v < vectors.length; v++) assertArrayEquals(want[v], got[v], g + " vector " + v);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void nttAgreesWithCpuNtt(NativeKernels kernels) {
        CpuNttBackend cpu = new CpuNttBackend();
        Random rnd = new Random(52);
        try (GpuBackend gpu = GpuBackend.on(kernels, 0, 1L << 30)) {
            for (int log : new int[] {1, 7, 12}) {
                int n = 1 << log;
                long[] a = Oracle.montLimbs(Oracle.randomFr(n, rnd), Oracle.R_MOD);
                long[] b = Oracle.montLimbs(Oracle.randomFr(n, rnd), Oracle.R_MOD);
                long[] c = Oracle.montLimbs(Oracle.randomFr(n, rnd), Oracle.R_MOD);
                long[] x = a.clone(), y = a.clone();
                cpu.ntt(x, log);
                gpu.ntt(y, log);
                assertArrayEquals(x, y, "ntt 2^" + log);
                cpu.intt(x, log);
                gpu.intt(y, log);
                assertArrayEquals(x, y, "intt 2^" + log);
                // the CPU backend may overwrite its inputs: give each its own copies
                long[] hGpu = gpu.quotientOnOddCoset(a.clone(), b.clone(), c.clone(), log);
                long[] hCpu = cpu.quotientOnOddCoset(a.clone(), b.clone(), c.clone(), log);
                assertArrayEquals(hCpu, hGpu, "quotient on the odd coset, 2^" + log);
            }
        }
    }
}
