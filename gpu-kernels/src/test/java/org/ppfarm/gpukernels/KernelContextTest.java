package org.ppfarm.gpukernels;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.ppfarm.cpukernels.MsmFixture;
import org.ppfarm.cpukernels.Oracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ppfarm.prover.msm.MsmBackend.Group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The context's contract: exact memory accounting, the bound, validation of bases, errors as exceptions, closing. */
class KernelContextTest {

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void memoryIsAccountedExactlyAndReleased(NativeKernels kernels) {
        MsmFixture g1 = new MsmFixture(Group.G1, 100, 1), g2 = new MsmFixture(Group.G2, 50, 2);
        try (KernelContext ctx = kernels.open(0, 1L << 30)) {
            assertEquals(1L << 30, ctx.memoryLimit());
            assertEquals(0, ctx.memoryUsed());
            ResidentBases b1 = ctx.upload(Group.G1, g1.bases, 0, 100);
            assertEquals(100 * 64, ctx.memoryUsed(), "G1 bases: 64 bytes per point");
            ResidentBases b2 = ctx.upload(Group.G2, g2.bases, 0, 50);
            assertEquals(100 * 64 + 50 * 128, ctx.memoryUsed(), "G2 bases: 128 bytes per point");
            long[] out = new long[8];
            int staging = 100 * 32;  // the scalars' page-locked staging buffer, kept for the next call
            ctx.msm(b1, MsmFixture.randomScalars(100, new Random(3)), 0, 100, 1, 0, out, 0);
            assertEquals(100 * 64 + 50 * 128 + staging, ctx.memoryUsed(), "MSM workspace is released after the call");
            ctx.msm(b1, MsmFixture.randomScalars(100, new Random(4)), 0, 100, 1, 0, out, 0);
            assertEquals(100 * 64 + 50 * 128 + staging, ctx.memoryUsed(), "the staging buffer is reused");
            b1.close();
            b1.close();  // idempotent
            assertEquals(50 * 128 + staging, ctx.memoryUsed());
            ctx.ntt(new long[4 * 32], 5, 1);
            assertEquals(50 * 128 + 32 * 32 + staging, ctx.memoryUsed(), "the 2^5 twiddle table stays cached");
            b2.close();
            assertEquals(32 * 32 + staging, ctx.memoryUsed());
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void theBoundIsEnforcedAndTheContextSurvives(NativeKernels kernels) {
        MsmFixture fx = new MsmFixture(Group.G1, 200, 4);
        try (KernelContext ctx = kernels.open(0, 10_000)) {
            GpuException e = assertThrows(GpuException.class, () -> ctx.upload(Group.G1, fx.bases, 0, 200));
            assertEquals(GpuException.Status.BUDGET, e.status());
            assertTrue(e.getMessage().contains("G1 bases needs 12800 bytes, 0 of 10000 bytes in use"), e.getMessage());
            assertEquals(0, ctx.memoryUsed());

            ResidentBases bases = ctx.upload(Group.G1, fx.bases, 0, 100);  // 6400 bytes fit
            long[] out = new long[8];
            e = assertThrows(GpuException.class,
                    () -> ctx.msm(bases, MsmFixture.randomScalars(100, new Random(5)), 0, 100, 1, 0, out, 0));
            assertEquals(GpuException.Status.BUDGET, e.status(), "the MSM workspace does not fit in 3600 bytes");
            assertTrue(e.getMessage().startsWith("ppg_msm_g1: device memory bound exceeded: MSM"), e.getMessage());
            assertEquals(6400, ctx.memoryUsed(), "a failed call leaves only what was resident before (its staging freed)");
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void invalidBasesAreRejectedWithTheirIndex(NativeKernels kernels) {
        MsmFixture fx = new MsmFixture(Group.G1, 10, 6);
        try (KernelContext ctx = Kernels.open(kernels)) {
            long[] offCurve = fx.bases.clone();
            offCurve[3 * 8 + 4] ^= 1;  // flip a bit of y of point 3
            GpuException e = assertThrows(GpuException.class, () -> ctx.upload(Group.G1, offCurve, 0, 10));
            assertEquals(GpuException.Status.ARGUMENT, e.status());
            assertTrue(e.getMessage().contains("G1 base point 3 is not a valid affine point"), e.getMessage());

            long[] unreduced = fx.bases.clone();
            Oracle.put(Oracle.Q_MOD, unreduced, 8);  // x of point 1 = q
            e = assertThrows(GpuException.class, () -> ctx.upload(Group.G1, unreduced, 0, 10));
            assertTrue(e.getMessage().contains("G1 base point 1 "), e.getMessage());

            MsmFixture g2 = new MsmFixture(Group.G2, 10, 7);
            long[] g2bad = g2.bases.clone();
            g2bad[9 * 16 + 12] ^= 4;
            e = assertThrows(GpuException.class, () -> ctx.upload(Group.G2, g2bad, 0, 10));
            assertTrue(e.getMessage().contains("G2 base point 9 "), e.getMessage());
            assertEquals(0, ctx.memoryUsed(), "rejected uploads keep nothing");

            assertDoesNotThrow(() -> ctx.upload(Group.G1, offCurve, 4 * 8, 6).close(), "offset past the bad point");
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void closingInvalidatesTheContextAndItsBases(NativeKernels kernels) {
        MsmFixture fx = new MsmFixture(Group.G1, 16, 8);
        KernelContext ctx = Kernels.open(kernels);
        ResidentBases bases = ctx.upload(Group.G1, fx.bases, 0, 16);
        ResidentBases other = ctx.upload(Group.G1, fx.bases, 0, 16);
        other.close();
        long[] out = new long[8];
        GpuException e = assertThrows(GpuException.class,
                () -> ctx.msm(other, new long[4 * 16], 0, 16, 1, 0, out, 0));
        assertEquals(GpuException.Status.CLOSED, e.status());
        ctx.close();
        ctx.close();
        e = assertThrows(GpuException.class, ctx::memoryUsed);
        assertEquals(GpuException.Status.CLOSED, e.status());
        assertDoesNotThrow(bases::close, "bases of a closed context are already freed");
        assertThrows(GpuException.class, () -> ctx.ntt(new long[4], 0, 1));
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void badDevicesAndArgumentsAreExceptionsNotCrashes(NativeKernels kernels) {
        GpuException e = assertThrows(GpuException.class, () -> kernels.open(7, 1L << 20));
        assertTrue(e.getMessage().contains("device 7 does not exist"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernels.open(0, 0));
        try (KernelContext ctx = Kernels.open(kernels)) {
            assertThrows(IllegalArgumentException.class, () -> ctx.upload(Group.G1, new long[8], 0, 2));
            assertThrows(IllegalArgumentException.class, () -> ctx.upload(Group.G1, new long[8], 0, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("org.ppfarm.gpukernels.Kernels#all")
    void concurrentCallsOnOneContextAreSerialisedCorrectly(NativeKernels kernels) throws Exception {
        int n = 64;
        MsmFixture fx = new MsmFixture(Group.G1, n, 9);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (KernelContext ctx = Kernels.open(kernels); ResidentBases bases = ctx.upload(Group.G1, fx.bases, 0, n)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                jobs.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int i = 0; i < 5; i++) {
                        long[] s = MsmFixture.randomScalars(n, rnd), out = new long[8];
                        ctx.msm(bases, s, 0, n, 1, 0, out, 0);
                        assertArrayEquals(fx.expected(s, 0), out);
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Calls on one context run at once, each on a lane of its own, instead of one after another: while a long MSM is
     * inside the library (its workspace reserved), a short call from another thread returns, and the MSM then ends
     * with the right results. Under one mutex per context the short call would wait for the MSM to finish and free
     * its workspace. The host executor runs each call on its caller's thread, so this is the lanes' logic, not CUDA's
     * streams (a device run checks those).
     */
    @Test
    void callsOnOneContextRunAtOnce() throws Exception {
        int n = 1 << 12, vectors = 2;
        MsmFixture fx = new MsmFixture(Group.G1, n, 40);
        long[] scalars = new long[4 * n * vectors];
        Random rnd = new Random(41);
        for (int v = 0; v < vectors; v++) System.arraycopy(MsmFixture.randomScalars(n, rnd), 0, scalars, 4 * n * v, 4 * n);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (KernelContext ctx = Kernels.open(Kernels.host()); ResidentBases bases = ctx.upload(Group.G1, fx.bases, 0, n)) {
            long idle = ctx.memoryUsed() + 32L * n * vectors;  // resident bases and, after the call, its staging buffer
            long[] out = new long[8 * vectors];
            Future<?> slow = pool.submit(() -> ctx.msm(bases, scalars, 0, n, vectors, 0, out, 0));
            while (ctx.memoryUsed() <= idle) {
                assertFalse(slow.isDone(), "the MSM ended before it was seen in flight");
                Thread.onSpinWait();
            }
            long[] one = Oracle.montLimbs(new BigInteger[] {BigInteger.ONE}, Oracle.R_MOD);
            long[] two = ctx.fieldOp(KernelContext.KernelField.FR, KernelContext.FieldOp.ADD, one, one, 1);
            assertTrue(ctx.memoryUsed() > idle, "a short call returned while the MSM was still running");
            assertArrayEquals(Oracle.montLimbs(new BigInteger[] {BigInteger.TWO}, Oracle.R_MOD), two);
            slow.get();
            for (int v = 0; v < vectors; v++) {
                assertArrayEquals(fx.expected(scalars, 4 * n * v), Arrays.copyOfRange(out, 8 * v, 8 * v + 8), "vector " + v);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
