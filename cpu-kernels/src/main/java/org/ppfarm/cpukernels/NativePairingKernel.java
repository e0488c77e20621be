package org.ppfarm.cpukernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import org.ppfarm.prover.bn254.Fq12;
import org.ppfarm.prover.bn254.Pairing;
import org.ppfarm.prover.bn254.PairingKernel;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The pairing compiled by g++ ({@code native/src/pairing.hpp}: {@link Pairing}'s tower, line formulas and
 * final-exponentiation chain, limb for limb), exported as {@code ppc_g2_prepare}, {@code ppc_miller_loop},
 * {@code ppc_final_exponentiation} and {@code ppc_multi_pairing} by {@code libppfarm_cpu.so}. A Groth16
 * verification is one prepare (the proof's B, ~0.1 ms against ~0.3 ms in Java) and one three-pair multi-pairing
 * (~0.95 ms against ~2.8 ms; thread CPU on session 14's development VM).
 *
 * <p>The line preparation is a <em>critical</em> downcall on the Java arrays (short, as the NTT's loops). The Miller
 * loop and the final exponentiation take about a millisecond, too long to hold other threads at a safepoint: they are
 * ordinary downcalls on native copies of their inputs (the prepared lines, 17 KB a pair, copied per call into a
 * confined arena: 50 KB for a verification). Every size is checked here; the library trusts them.
 *
 * <p>Offered to the engine by {@link NativeCpuKernels}. Thread-safe.
 */
public final class NativePairingKernel implements PairingKernel {
    private static final int PREPARED = Pairing.PREPARED_LONGS;
    private final MethodHandle prepare, millerLoop, finalExp, multiPairing;

    NativePairingKernel(NativeCpuLibrary library) {
        int steps;
        try {
            steps = (int) library.pairingSteps.invokeExact();
        } catch (Throwable t) {
            throw new NativeException(NativeException.Status.INTERNAL, "ppc_pairing_steps: downcall failed: " + t, t);
        }
        if (steps != Pairing.STEPS) {
            throw new NativeException(NativeException.Status.LIBRARY, library + " prepares " + steps
                    + " pairing lines a point, the engine " + Pairing.STEPS + " (stale or foreign library)");
        }
        prepare = library.g2Prepare;
        millerLoop = library.millerLoop;
        finalExp = library.finalExponentiation;
        multiPairing = library.multiPairing;
    }

    @Override public String name() { return "native"; }

    @Override
    public Pairing.G2Prepared prepare(long[] q, int qi) {
        check(q, qi, 16, "G2 point");
        long[] lines = new long[PREPARED];
        try {
            int rc = (int) prepare.invokeExact(MemorySegment.ofArray(q).asSlice(8L * qi, 8 * 16), MemorySegment.ofArray(lines));
            if (rc != 0) throw new NativeException(NativeException.Status.INTERNAL, "ppc_g2_prepare returned " + rc);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeException(NativeException.Status.INTERNAL, "ppc_g2_prepare: downcall failed: " + t, t);
        }
        return Pairing.G2Prepared.ofLines(lines);
    }

    @Override
    public void millerLoop(long[] g1, Pairing.G2Prepared[] g2, long[] r, int ri) {
        loops(millerLoop, "ppc_miller_loop", g1, g2, r, ri);
    }

    @Override
    public void multiPairing(long[] g1, Pairing.G2Prepared[] g2, long[] r, int ri) {
        loops(multiPairing, "ppc_multi_pairing", g1, g2, r, ri);
    }

    @Override
    public void finalExponentiation(long[] f, int fi, long[] r, int ri) {
        check(f, fi, Fq12.LIMBS, "Fq12 input");
        check(r, ri, Fq12.LIMBS, "Fq12 output");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment io = arena.allocate(JAVA_LONG, Fq12.LIMBS);
            MemorySegment.copy(f, fi, io, JAVA_LONG, 0, Fq12.LIMBS);
            int rc;
            try {
                rc = (int) finalExp.invokeExact(io, io);
            } catch (Throwable t) {
                throw new NativeException(NativeException.Status.INTERNAL, "ppc_final_exponentiation: downcall failed: " + t, t);
            }
            if (rc != 0) throw new NativeException(NativeException.Status.INTERNAL, "ppc_final_exponentiation returned " + rc);
            MemorySegment.copy(io, JAVA_LONG, 0, r, ri, Fq12.LIMBS);
        }
    }

    /** One call over n pairs: the G1 points and every pair's lines copied side by side into native memory. */
    private static void loops(MethodHandle h, String function, long[] g1, Pairing.G2Prepared[] g2, long[] r, int ri) {
        int n = g2.length;
        if (g1.length < 8L * n) throw new IllegalArgumentException(n + " G2 points but " + g1.length / 8 + " G1 points");
        check(r, ri, Fq12.LIMBS, "Fq12 output");
        try (Arena arena = Arena.ofConfined()) {
            // one buffer: the result (48 longs), the G1 points (8n), the lines (PREPARED n)
            MemorySegment all = arena.allocate(JAVA_LONG, Fq12.LIMBS + (long) (8 + PREPARED) * n);
            MemorySegment out = all.asSlice(0, 8L * Fq12.LIMBS);
            MemorySegment points = all.asSlice(8L * Fq12.LIMBS, 64L * n);
            MemorySegment lines = all.asSlice(8L * (Fq12.LIMBS + 8L * n));
            MemorySegment.copy(g1, 0, points, JAVA_LONG, 0, 8 * n);
            for (int k = 0; k < n; k++) g2[k].copyLines(lines, 8L * PREPARED * k);
            int rc;
            try {
                rc = (int) h.invokeExact(points, lines, n, out);
            } catch (Throwable t) {
                throw new NativeException(NativeException.Status.INTERNAL, function + ": downcall failed: " + t, t);
            }
            if (rc != 0) throw new NativeException(NativeException.Status.INTERNAL, function + " returned " + rc);
            MemorySegment.copy(out, JAVA_LONG, 0, r, ri, Fq12.LIMBS);
        }
    }

    private static void check(long[] a, int ai, int len, String what) {
        if (ai < 0 || ai > a.length - len) throw new IllegalArgumentException(what + " at " + ai + " out of range (" + a.length + " longs)");
    }
}
