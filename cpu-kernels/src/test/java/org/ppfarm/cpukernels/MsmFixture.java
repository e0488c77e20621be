package org.ppfarm.cpukernels;

import java.math.BigInteger;
import java.util.Random;

import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.msm.MsmBackend.Group;

/**
 * MSM inputs with a known answer. Base i is log_i * G with known discrete logs (an arithmetic progression built
 * with the engine's point additions, then infinity, duplicates and a negated pair mixed in), so
 * sum_i k_i * base_i = (sum_i k_i * log_i mod r) * G: one BigInteger scalar multiplication checks an MSM of any
 * size, independently of how the MSM is computed.
 */
public final class MsmFixture {
    public final Group group;
    public final int n;
    public final long[] bases;
    public final BigInteger[] logs;

    public MsmFixture(Group group, int n, long seed) {
        this.group = group;
        this.n = n;
        Random rnd = new Random(seed);
        Curve c = curve(group);
        BigInteger s0 = Oracle.random(rnd, Oracle.R_MOD), d = Oracle.random(rnd, Oracle.R_MOD);
        int jl = c.jacobianLongs, al = c.affineLongs;
        long[] gen = c.jacobianOf(c.generator());
        long[] step = new long[jl];
        long[] jac = new long[jl * n];
        c.scalarMul(gen, 0, s0, jac, 0);
        c.scalarMul(gen, 0, d, step, 0);
        for (int i = 1; i < n; i++) c.add(jac, (i - 1) * jl, step, 0, jac, i * jl);
        bases = new long[al * n];
        c.batchToAffine(jac, 0, n, bases, 0);
        logs = new BigInteger[n];
        for (int i = 0; i < n; i++) logs[i] = s0.add(d.multiply(BigInteger.valueOf(i))).mod(Oracle.R_MOD);
        if (n >= 8) {
            java.util.Arrays.fill(bases, 3 * al, 4 * al, 0L);                 // infinity
            logs[3] = BigInteger.ZERO;
            System.arraycopy(bases, al, bases, 5 * al, al);                    // a duplicate
            logs[5] = logs[1];
            c.negAffine(bases, 2 * al, bases, 7 * al);                         // a negated pair
            logs[7] = logs[2].negate().mod(Oracle.R_MOD);
        }
    }

    public static Curve curve(Group g) { return g == Group.G1 ? new G1() : new G2(); }

    /** The expected affine result limbs for standard-form scalars (4 longs each, vector at offset). */
    public long[] expected(long[] scalars, int offset) {
        BigInteger e = BigInteger.ZERO;
        for (int i = 0; i < n; i++) e = e.add(Oracle.get(scalars, offset + 4 * i).multiply(logs[i]));
        e = e.mod(Oracle.R_MOD);
        Oracle.Point gen = group == Group.G1 ? Oracle.G1_GEN : Oracle.G2_GEN;
        return Oracle.pointLimbs(Oracle.mul(gen, e), group == Group.G2);
    }

    /** Random scalars, fully reduced. */
    public static long[] randomScalars(int n, Random rnd) {
        long[] s = new long[4 * n];
        for (int i = 0; i < n; i++) Oracle.put(Oracle.random(rnd, Oracle.R_MOD), s, 4 * i);
        return s;
    }

    /**
     * Edge scalars as circom witnesses have them: 0, 1, r-1, r-2, 2, small values, powers of two, a long run of 1s
     * (one bucket holding most points), and some random values.
     */
    public static long[] edgeScalars(int n, Random rnd) {
        BigInteger r = Oracle.R_MOD;
        BigInteger[] fixed = {BigInteger.ZERO, BigInteger.ONE, r.subtract(BigInteger.ONE), r.subtract(BigInteger.TWO),
            BigInteger.TWO, BigInteger.valueOf(3), BigInteger.ONE.shiftLeft(253), BigInteger.ONE.shiftLeft(64),
            BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE), r.shiftRight(1), r.shiftRight(1).add(BigInteger.ONE)};
        long[] s = new long[4 * n];
        for (int i = 0; i < n; i++) {
            BigInteger v;
            if (i < fixed.length) v = fixed[i];
            else if (i % 4 != 3) v = BigInteger.ONE;                           // most scalars are 1
            else if (i % 8 == 3) v = BigInteger.valueOf(rnd.nextInt(1 << 20));
            else v = Oracle.random(rnd, r);
            Oracle.put(v, s, 4 * i);
        }
        return s;
    }
}
