package org.ppfarm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.msm.CpuMsm;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.prover.msm.MsmBackend.Group;

/**
 * A JMH-free micro benchmark of the CPU MSM and the field multiplication it rests on; prints medians (the
 * development machine is shared and noisy):
 * <pre>
 *   scripts/bench.sh MsmBench [runs [window-bits [big]]]
 * </pre>
 * (window-bits fixes Pippenger's c instead of the cost model's choice, for tuning.) Each MSM is run on the plain
 * path (a backend without tables) and with a fixed-base table ({@code FixedBaseTable}, the default backend), whose
 * build time and size are printed too.
 * Bases are an arithmetic progression P_i = P_0 + i·D (cheap to build, as good as random points for the MSM);
 * scalars are uniform below r ("random") or a circom-witness-like mix ("circom": 35% zero, 25% one, 10% below
 * 2^20, 5% small negatives r - k, 5% 64-bit, 20% uniform). Besides wall-clock medians it prints CPU time
 * (the process's, summed over threads): on a machine shared with other builds the wall figure measures the
 * neighbours as much as the code, the CPU figure much less so. The MSMs run on the selected bucket kernel
 * ({@code CpuKernels.selected()}, printed first): cpu-kernels' native loops where libppfarm_cpu.so loads, as in
 * production; {@code PPFARM_JAVA_OPTS=-Dppfarm.cpu.kernels=java} measures the Java loops.
 */
public final class MsmBench {
    private MsmBench() {}

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        if (args.length > 1) CpuMsm.forceWindowBits(Integer.parseInt(args[1]));   // 0: the cost model's choice
        CpuMsm plain = new CpuMsm(CpuMsm.sharedPool(), 0), tables = new CpuMsm(CpuMsm.sharedPool(), Long.MAX_VALUE);
        System.out.printf("cores %d, java %s, MSM bucket kernel %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version(), plain.kernel().name());
        fieldMul();
        boolean big = args.length > 2 && args[2].equals("big");   // 2^20 G1 too: its table takes minutes to build
        SplittableRandom rnd = new SplittableRandom(1);
        long[] g1Bases = bases(new G1(), big ? 1 << 20 : 1 << 16, rnd);
        long[] g2Bases = bases(new G2(), 1 << 16, rnd);
        for (int[] shape : big ? new int[][] {{1, 16}, {2, 16}, {1, 20}} : new int[][] {{1, 16}, {2, 16}}) {
            Group group = shape[0] == 1 ? Group.G1 : Group.G2;
            int n = 1 << shape[1];
            long[] bases = group == Group.G1 ? g1Bases : g2Bases;
            long t0 = System.nanoTime(), c0 = processCpuNanos();
            MsmBackend.Bases tb = tables.prepare(group, bases, 0, n);
            tables.precompute(tb);
            System.out.printf("%s n=2^%d table: built in %.0f ms (CPU %.0f ms), %.1f MB%n", group, shape[1],
                    (System.nanoTime() - t0) / 1e6, (processCpuNanos() - c0) / 1e6, tables.tableBytesInUse() / 1e6);
            MsmBackend.Bases pb = plain.prepare(group, bases, 0, n);
            int r = n > 1 << 16 ? Math.max(3, runs / 2) : runs;
            for (String mix : new String[] {"random", "circom"}) {
                long[] scalars = scalars(n, mix, rnd);
                bench("plain", plain, pb, scalars, mix, r);
                bench("table", tables, tb, scalars, mix, r);
            }
            tb.close();
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void fieldMul() {
        Field f = Field.FQ;
        long[] a = f.fromBigInteger(new BigInteger("1234567890123456789012345678901234567890"));
        long[] b = f.fromBigInteger(new BigInteger("9876543210987654321098765432109876543210"));
        int iters = 20_000_000;
        double[] ns = new double[7], cpu = new double[7];
        for (int r = 0; r < ns.length; r++) {
            long t0 = System.nanoTime(), c0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < iters; i++) f.mul(a, 0, b, 0, a, 0);   // dependent chain: latency per multiply
            cpu[r] = (THREADS.getCurrentThreadCpuTime() - c0) / (double) iters;
            ns[r] = (System.nanoTime() - t0) / (double) iters;
        }
        if (f.isOne(a, 0)) System.out.println("(unlikely)");   // keep the chain alive
        System.out.printf("Fq mul: median %.1f ns/op wall, %.1f ns/op thread CPU%n", Stats.median(ns),
                Stats.median(cpu));
    }

    private static void bench(String label, CpuMsm msm, MsmBackend.Bases b, long[] scalars, String mix, int runs) {
        long[] out = new long[b.group().affineLongs];
        for (int w = 0; w < 2; w++) msm.msm(b, scalars, out);   // warm-up (JIT)
        double[] ms = new double[runs], cpu = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime(), c0 = processCpuNanos();
            msm.msm(b, scalars, out);
            ms[r] = (System.nanoTime() - t0) / 1e6;
            cpu[r] = (processCpuNanos() - c0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%s MSM n=2^%d %-6s %s: median %.1f ms (min %.1f, max %.1f, %d runs); CPU median %.1f ms%n",
                b.group(), Integer.numberOfTrailingZeros(b.count()), mix, label, Stats.median(ms), ms[0], ms[runs - 1],
                runs, Stats.median(cpu));
    }

    private static long[] bases(Curve c, int n, SplittableRandom rnd) {
        int jl = c.jacobianLongs;
        long[] g = c.jacobianOf(c.generator());
        long[] p = new long[jl], d = new long[jl];
        c.scalarMul(g, 0, new BigInteger(250, new java.util.Random(rnd.nextLong())), p, 0);
        c.scalarMul(g, 0, new BigInteger(250, new java.util.Random(rnd.nextLong())), d, 0);
        long[] jac = new long[n * jl];
        for (int i = 0; i < n; i++) {
            System.arraycopy(p, 0, jac, i * jl, jl);
            c.add(p, 0, d, 0, p, 0);
        }
        long[] out = new long[n * c.affineLongs];
        c.batchToAffine(jac, 0, n, out, 0);
        return out;
    }

    private static long[] scalars(int n, String mix, SplittableRandom rnd) {
        BigInteger r = Field.FR.modulus();
        long[] s = new long[4 * n];
        for (int i = 0; i < n; i++) {
            BigInteger v;
            int roll = rnd.nextInt(100);
            if (mix.equals("random") || roll >= 80) v = new BigInteger(256, new java.util.Random(rnd.nextLong())).mod(r);
            else if (roll < 35) v = BigInteger.ZERO;
            else if (roll < 60) v = BigInteger.ONE;
            else if (roll < 70) v = BigInteger.valueOf(rnd.nextInt(1 << 20));
            else if (roll < 75) v = r.subtract(BigInteger.valueOf(1 + rnd.nextInt(1 << 10)));
            else v = new BigInteger(64, new java.util.Random(rnd.nextLong()));
            System.arraycopy(Field.limbs(v), 0, s, 4 * i, 4);
        }
        return s;
    }
}
