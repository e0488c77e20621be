package org.ppfarm.prover.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.ppfarm.prover.Parallel;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;

/**
 * Validates affine points as snarkjs files store them (Montgomery Fq coordinates, all zeros = infinity): every
 * coordinate below q and the curve equation. G2 subgroup membership is not checked for proving keys (that is the
 * trusted setup's responsibility, and a bad key only yields proofs that fail verification); the verifier checks
 * what it receives from untrusted parties.
 */
final class PointCheck {
    private PointCheck() {}

    /** Checks {@code count} G1 points at {@code points[offset]}; errors name {@code section} and index + indexBase. */
    static void g1(String source, String section, long[] points, int offset, int count, int indexBase) {
        g1(source, section, MemorySegment.ofArray(points), offset, count, indexBase);
    }

    /** Checks {@code count} G1 points from long index {@code offset} of {@code points} (heap or native memory). */
    static void g1(String source, String section, MemorySegment points, long offset, int count, int indexBase) {
        check(source, section, points, offset, count, indexBase, false);
    }

    /** Checks {@code count} G2 points (16 longs each) at {@code points[offset]}. */
    static void g2(String source, String section, long[] points, int offset, int count, int indexBase) {
        g2(source, section, MemorySegment.ofArray(points), offset, count, indexBase);
    }

    /** Checks {@code count} G2 points (16 longs each) from long index {@code offset} of {@code points}. */
    static void g2(String source, String section, MemorySegment points, long offset, int count, int indexBase) {
        check(source, section, points, offset, count, indexBase, true);
    }

    private static void check(String source, String section, MemorySegment points, long offset, int count, int indexBase,
                              boolean twist) {
        Parallel.forRange(count, 4096, (from, to) -> {
            Curve c = twist ? new G2() : new G1();
            int size = c.affineLongs;
            long[] p = new long[size];
            for (int i = from; i < to; i++) {
                MemorySegment.copy(points, ValueLayout.JAVA_LONG, 8 * (offset + (long) size * i), p, 0, size);
                for (int l = 0; l < size; l += 4) {
                    if (!Field.FQ.isCanonical(p, l))
                        throw bad(source, section, i + indexBase, "has a coordinate not below the base field modulus q");
                }
                if (!c.isOnCurveAffine(p, 0))
                    throw bad(source, section, i + indexBase, twist ? "is not on the BN254 G2 twist" : "is not on the BN254 G1 curve");
            }
        });
    }

    private static FormatException bad(String source, String section, int index, String problem) {
        return new FormatException(source, section, "point " + index + " " + problem);
    }
}
