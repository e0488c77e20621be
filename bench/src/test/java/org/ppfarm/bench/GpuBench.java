package org.ppfarm.bench;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.ppfarm.gpukernels.GpuAvailability;
import org.ppfarm.gpukernels.GpuBackend;
import org.ppfarm.gpukernels.KernelContext;
import org.ppfarm.gpukernels.NativeKernels;
import org.ppfarm.gpukernels.GpuLibraries;
import org.ppfarm.gpukernels.ResidentBases;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.msm.MsmBackend.Group;

/**
 * MSM and NTT timings of the GPU kernels (module gpu-kernels). On a machine without a usable GPU it prints why and
 * exits 0 without a figure (unless {@code --host} asks for the host build, which only checks the harness: its times
 * say nothing about a GPU). Times are wall clock per call through the Java API, so they include the copy of inputs
 * to and results from the device; bases are resident, as in proving.
 *
 * <pre>
 *   scripts/bench.sh GpuBench [--host] [--runs N] [--msm-logs 16,18,20] [--g2-logs 16,18] [--ntt-logs 16,20]
 *                             [--batch 1,8,32] [--zkey withdraw.zkey --wtns withdraw.wtns [--proofs 64] [--threads 4]]
 * </pre>
 *
 * With {@code --zkey}/{@code --wtns} it also proves with the engine's {@link Groth16Prover} on this backend: one
 * verified warm-up proof, then {@code --proofs} proofs from {@code --threads} threads, reported as proofs per
 * second. The witness is read from the file, so witness computation is not in that figure.
 */
public final class GpuBench {
    private GpuBench() { }

    public static void main(String[] args) {
        boolean host = false;
        int runs = 5;
        int[] msmLogs = {16, 18, 20, 22}, g2Logs = {16, 18, 20}, nttLogs = {16, 20, 22}, batches = {1, 8, 32};
        Path zkey = null, wtns = null;
        int proofs = 64, threads = 4;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--msm-logs" -> msmLogs = ints(args[++i]);
                case "--g2-logs" -> g2Logs = ints(args[++i]);
                case "--ntt-logs" -> nttLogs = ints(args[++i]);
                case "--batch" -> batches = ints(args[++i]);
                case "--zkey" -> zkey = Path.of(args[++i]);
                case "--wtns" -> wtns = Path.of(args[++i]);
                case "--proofs" -> proofs = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        NativeKernels kernels;
        if (host) {
            kernels = NativeKernels.host();
            System.out.println("HOST BUILD of the kernels (harness check only; these are CPU times, not GPU figures)");
        } else {
            GpuAvailability a = GpuAvailability.probe();
            if (!a.available()) {
                System.out.println("NO GPU FOUND — nothing measured.");
                System.out.print(a.describe());
                return;
            }
            kernels = NativeKernels.load(GpuLibraries.require(GpuLibraries.CUDA));
            System.out.println("device: " + a.devices().getFirst().description());
        }
        System.out.println("library: " + kernels);
        try (GpuBackend backend = GpuBackend.on(kernels, 0, 0)) {
            KernelContext ctx = backend.context();
            for (int log : msmLogs) msm(ctx, Group.G1, log, runs, 1);
            for (int log : g2Logs) msm(ctx, Group.G2, log, runs, 1);
            for (int vectors : batches) msm(ctx, Group.G1, 16, runs, vectors);
            for (int log : nttLogs) ntt(ctx, log, runs);
            if (zkey != null && wtns != null) proofs(backend, zkey, wtns, proofs, threads);
        }
    }

    private static void proofs(GpuBackend backend, Path zkey, Path wtns, int count, int threads) {
        Witness w = WtnsFile.read(wtns);
        try (ProvingKey pk = ZkeyFile.read(zkey)) {
            Groth16Prover prover = new Groth16Prover(backend, backend);
            long t0 = System.nanoTime();
            prover.proveAndVerify(pk, w);  // uploads the key's bases; checks the proof once
            System.out.printf("first proof (bases upload included, verified): %.1f ms%n", (System.nanoTime() - t0) / 1e6);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> jobs = new ArrayList<>();
                t0 = System.nanoTime();
                for (int i = 0; i < count; i++) jobs.add(pool.submit(() -> prover.prove(pk, w)));
                for (Future<?> f : jobs) f.get();
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("proofs: %d in %.2f s = %.1f proofs/s (%d threads, %s; witness not included)%n",
                        count, s, count / s, threads, backend.name());
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("proving failed", e);
            } finally {
                pool.shutdownNow();
                Arrays.fill(w.limbs(), 0L);
            }
        }
    }

    private static void msm(KernelContext ctx, Group g, int log, int runs, int vectors) {
        int n = 1 << log;
        long[] bases = bases(g, n);
        long[] scalars = scalars(n * vectors, log);
        long[] out = new long[g.affineLongs * vectors];
        try (ResidentBases rb = ctx.upload(g, bases, 0, n)) {
            double[] ms = time(runs, () -> ctx.msm(rb, scalars, 0, n, vectors, 0, out, 0));
            String what = vectors == 1 ? "" : " x " + vectors + " vectors";
            System.out.printf("msm %s 2^%d%s: median %.3f ms, min %.3f ms%s%n", g, log, what, Stats.median(ms),
                    Stats.min(ms), vectors == 1 ? "" : String.format(" (%.3f ms per vector)", Stats.median(ms) / vectors));
        }
    }

    private static void ntt(KernelContext ctx, int log, int runs) {
        int n = 1 << log;
        long[] a = fr(n, 1), b = fr(n, 2), c = fr(n, 3);
        long[] data = a.clone();
        ctx.ntt(data, log, 1);  // builds the twiddle table outside the timing
        double[] fwd = time(runs, () -> ctx.ntt(data, log, 1));
        double[] h = time(runs, () -> ctx.computeH(a, b, c, log, null, true));
        System.out.printf("ntt 2^%d: median %.3f ms, min %.3f ms; H step (3 intt + 3 coset ntt + pointwise): "
                + "median %.3f ms%n", log, Stats.median(fwd), Stats.min(fwd), Stats.median(h));
    }

    /** Distinct points i*G + s*G (a progression with the engine's additions), affine. */
    private static long[] bases(Group g, int n) {
        Curve c = g == Group.G1 ? new G1() : new G2();
        int jl = c.jacobianLongs;
        long[] step = c.jacobianOf(c.generator());
        long[] jac = new long[jl * n];
        c.scalarMul(step, 0, new BigInteger("1234567890123456789"), jac, 0);
        for (int i = 1; i < n; i++) c.add(jac, (i - 1) * jl, step, 0, jac, i * jl);
        long[] affine = new long[c.affineLongs * n];
        c.batchToAffine(jac, 0, n, affine, 0);
        return affine;
    }

    private static long[] scalars(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] s = new long[4 * count];
        for (int i = 0; i < count; i++) {
            s[4 * i] = rnd.nextLong();
            s[4 * i + 1] = rnd.nextLong();
            s[4 * i + 2] = rnd.nextLong();
            s[4 * i + 3] = rnd.nextLong() & 0x0fff_ffff_ffff_ffffL;  // < 2^252 < r
        }
        return s;
    }

    private static long[] fr(int n, long seed) {
        long[] std = scalars(n, seed), mont = new long[4 * n];
        for (int i = 0; i < n; i++) Field.FR.toMontgomery(std, 4 * i, mont, 4 * i);
        return mont;
    }

    private static double[] time(int runs, Runnable r) {
        r.run();  // warm-up
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

    private static int[] ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) if (!s.isBlank()) out.add(Integer.parseInt(s.trim()));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
