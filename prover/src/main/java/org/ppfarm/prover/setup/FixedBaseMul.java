package org.ppfarm.prover.setup;

import java.util.function.Supplier;
import org.ppfarm.prover.Parallel;
import org.ppfarm.prover.bn254.Curve;

/**
 * k·P for many scalars k and one fixed point P (the setup multiplies the generators by every key scalar): a table
 * of d·2^(bw)·P for each b-bit window w < 256/b and digit 1 ≤ d < 2^b, so a product is at most 256/b mixed
 * additions and no doublings; products are normalized to affine in one batch per chunk of the parallel loop.
 * b = 8 (a 255-entry window, 32 additions) suits small keys; b = 16 (65,535 entries a window, ~1 s of CPU to build
 * for G1, 64 MB; 128 MB for G2) halves the additions, which pays from a few hundred thousand products (2^20 keys).
 *
 * <p>Variable time, so only for values that are not secret from this process: the development setup's scalars are
 * its toxic waste, known to the process by design. Immutable after construction; {@link #mul} may run concurrently.
 */
final class FixedBaseMul {
    private final Supplier<? extends Curve> curves;
    private final int affineLongs, bits, windows, digits;
    /** Entry (w, d) at {@code ((w·digits + d − 1)·affineLongs)}: d·2^(bits·w)·P, affine. */
    private final long[] table;

    /**
     * @param curves a curve instance per calling thread (curves hold scratch space): {@code G1::local}, {@code G2::local}
     * @param bits   the window width, 8 or 16
     */
    FixedBaseMul(Supplier<? extends Curve> curves, long[] affinePoint, int bits) {
        if (bits != 8 && bits != 16) throw new IllegalArgumentException("window bits must be 8 or 16, got " + bits);
        this.curves = curves;
        this.bits = bits;
        this.windows = 256 / bits;
        this.digits = (1 << bits) - 1;
        Curve c = curves.get();
        int jl = c.jacobianLongs;
        affineLongs = c.affineLongs;
        long[] jacobian = new long[windows * digits * jl];
        long[] step = c.jacobianOf(affinePoint);        // 2^(bits·w)·P
        for (int w = 0; w < windows; w++) {
            int o = w * digits * jl;
            System.arraycopy(step, 0, jacobian, o, jl);
            for (int d = 2; d <= digits; d++) c.add(jacobian, o + (d - 2) * jl, step, 0, jacobian, o + (d - 1) * jl);
            for (int i = 0; i < bits; i++) c.dbl(step, 0, step, 0);
        }
        table = new long[windows * digits * affineLongs];
        c.batchToAffine(jacobian, 0, windows * digits, table, 0);
    }

    /** k_i·P for the {@code count} standard-form scalars (4 limbs each) in {@code k}: affine, infinity all zeros. */
    long[] mul(long[] k, int count) {
        long[] out = new long[count * affineLongs];
        final int windows = this.windows, digits = this.digits, bits = this.bits;
        Parallel.forRange(count, 256, (from, to) -> {
            Curve c = curves.get();
            int jl = c.jacobianLongs;
            long[] acc = new long[(to - from) * jl];    // all zeros: Z = 0, the point at infinity
            for (int i = from; i < to; i++) {
                int o = (i - from) * jl;
                for (int w = 0; w < windows; w++) {
                    int at = w * bits;  // 64 is a multiple of bits: a digit never straddles two limbs
                    int d = (int) (k[4 * i + (at >>> 6)] >>> (at & 63)) & digits;
                    if (d != 0) c.addMixed(acc, o, table, (w * digits + d - 1) * affineLongs, acc, o);
                }
            }
            c.batchToAffine(acc, 0, to - from, out, from * affineLongs);
        });
        return out;
    }
}
