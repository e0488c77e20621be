package org.ppfarm.prover.setup;

import java.util.function.Supplier;
import org.ppfarm.prover.Parallel;
import org.ppfarm.prover.bn254.Curve;

/**
 * k·P for many scalars k and one fixed point P (the setup multiplies the generators by every key scalar): a table
 * of d·2^(8w)·P for each byte position w < 32 and byte value 1 ≤ d ≤ 255, so a product is at most 32 mixed
 * additions and no doublings; products are normalized to affine in one batch per chunk of the parallel loop.
 *
 * <p>Variable time, so only for values that are not secret from this process: the development setup's scalars are
 * its toxic waste, known to the process by design. Immutable after construction; {@link #mul} may run concurrently.
 */
final class FixedBaseMul {
    private static final int WINDOWS = 32, DIGITS = 255;

    private final Supplier<? extends Curve> curves;
    private final int affineLongs;
    /** Entry (w, d) at {@code ((w·255 + d − 1)·affineLongs)}: d·2^(8w)·P, affine. */
    private final long[] table;

    /** @param curves a curve instance per calling thread (curves hold scratch space): {@code G1::local}, {@code G2::local} */
    FixedBaseMul(Supplier<? extends Curve> curves, long[] affinePoint) {
        this.curves = curves;
        Curve c = curves.get();
        int jl = c.jacobianLongs;
        affineLongs = c.affineLongs;
        long[] jacobian = new long[WINDOWS * DIGITS * jl];
        long[] step = c.jacobianOf(affinePoint);        // 2^(8w)·P
        for (int w = 0; w < WINDOWS; w++) {
            int o = w * DIGITS * jl;
            System.arraycopy(step, 0, jacobian, o, jl);
            for (int d = 2; d <= DIGITS; d++) c.add(jacobian, o + (d - 2) * jl, step, 0, jacobian, o + (d - 1) * jl);
            for (int i = 0; i < 8; i++) c.dbl(step, 0, step, 0);
        }
        table = new long[WINDOWS * DIGITS * affineLongs];
        c.batchToAffine(jacobian, 0, WINDOWS * DIGITS, table, 0);
    }

    /** k_i·P for the {@code count} standard-form scalars (4 limbs each) in {@code k}: affine, infinity all zeros. */
    long[] mul(long[] k, int count) {
        long[] out = new long[count * affineLongs];
        Parallel.forRange(count, 256, (from, to) -> {
            Curve c = curves.get();
            int jl = c.jacobianLongs;
            long[] acc = new long[(to - from) * jl];    // all zeros: Z = 0, the point at infinity
            for (int i = from; i < to; i++) {
                int o = (i - from) * jl;
                for (int w = 0; w < WINDOWS; w++) {
                    int d = (int) (k[4 * i + (w >>> 3)] >>> (8 * (w & 7))) & 0xff;
                    if (d != 0) c.addMixed(acc, o, table, (w * DIGITS + d - 1) * affineLongs, acc, o);
                }
            }
            c.batchToAffine(acc, 0, to - from, out, from * affineLongs);
        });
        return out;
    }
}
