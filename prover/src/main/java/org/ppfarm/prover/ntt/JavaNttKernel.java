package org.ppfarm.prover.ntt;

import org.ppfarm.prover.bn254.Field;

/** {@link NttKernel} in Java on {@link Field#FR}: always available, the fallback when no native kernel loads. */
public final class JavaNttKernel implements NttKernel {
    public static final JavaNttKernel INSTANCE = new JavaNttKernel();
    private static final Field F = Field.FR;

    private JavaNttKernel() {}

    @Override public String name() { return "java"; }

    @Override
    public void dit(long[] a, long[] tw, int lm, int from, int to) {
        final int mask = (1 << lm) - 1, m = 1 << lm;
        long[] t = new long[4];
        for (int k = from; k < to; k++) {
            int j = k & mask;
            int i0 = 4 * (((k >>> lm) << (lm + 1)) | j), i1 = i0 + 4 * m;
            if (j == 0) Field.copy(a, i1, t, 0);
            else F.mul(a, i1, tw, 4 * (m + j), t, 0);
            F.sub(a, i0, t, 0, a, i1);
            F.add(a, i0, t, 0, a, i0);
        }
    }

    @Override
    public void dif(long[] a, long[] tw, int lm, int from, int to) {
        final int mask = (1 << lm) - 1, m = 1 << lm;
        long[] t = new long[4];
        for (int k = from; k < to; k++) {
            int j = k & mask;
            int i0 = 4 * (((k >>> lm) << (lm + 1)) | j), i1 = i0 + 4 * m;
            F.sub(a, i0, a, i1, t, 0);
            F.add(a, i0, a, i1, a, i0);
            if (j == 0) Field.copy(t, 0, a, i1);
            else F.mul(t, 0, tw, 4 * (m + j), a, i1);
        }
    }

    @Override
    public void mul(long[] a, long[] b, int from, int to) {
        for (int i = from; i < to; i++) F.mul(a, 4 * i, b, 4 * i, a, 4 * i);
    }

    @Override
    public void scale(long[] a, long[] s, int from, int to) {
        for (int i = from; i < to; i++) F.mul(a, 4 * i, s, 0, a, 4 * i);
    }

    @Override
    public void mulSub(long[] a, long[] b, long[] c, int from, int to) {
        for (int i = from; i < to; i++) {
            int o = 4 * i;
            F.mul(a, o, b, o, a, o);
            F.sub(a, o, c, o, a, o);
        }
    }
}
