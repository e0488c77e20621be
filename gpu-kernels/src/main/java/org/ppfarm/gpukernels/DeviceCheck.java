package org.ppfarm.gpukernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import org.ppfarm.gpukernels.KernelContext.CurveOp;
import org.ppfarm.gpukernels.KernelContext.FieldOp;
import org.ppfarm.gpukernels.KernelContext.KernelField;
import org.ppfarm.prover.bn254.Curve;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.prover.bn254.G1;
import org.ppfarm.prover.bn254.G2;
import org.ppfarm.prover.format.Witness;
import org.ppfarm.prover.format.WtnsFile;
import org.ppfarm.prover.format.ZkeyFile;
import org.ppfarm.prover.groth16.Groth16Prover;
import org.ppfarm.prover.groth16.ProofResult;
import org.ppfarm.prover.groth16.ProvingKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.prover.msm.MsmBackend;
import org.ppfarm.prover.msm.MsmBackend.Group;

/**
 * The device check: one step per run (device-check/run.sh runs each under its own timeout), on the CUDA library, or
 * on the host build of the same kernels ({@code --library host}: CI's run of the script, with smaller sizes).
 * Every result is compared limb for limb with a reference: the host library for element-wise field and curve
 * operations and for the NTT kinds, the Java engine's CPU MSM for MSMs, (Σ sᵢkᵢ)·G for the large known-answer MSMs,
 * ppfarm's verifier for proofs. A step prints {@code PASS <step>} or {@code FAIL <step>: <first mismatch>} and exits
 * 0 or 1.
 *
 * <pre>
 * DeviceCheck --step info|field|curve|ntt|msm|known|threads|timing|proofs --library cuda|host --zkey F --wtns F
 *             --out DIR [--group G1|G2 --log L] [--proofs N] [--threads T]
 * </pre>
 * Only test data is used: the zkey's own points as MSM bases, and the bundle's witness of test keys.
 */
public final class DeviceCheck {
    private final NativeKernels device;
    private final NativeKernels host;
    private final boolean full;     // the device's sizes; false on the host library (CI)
    private final Path zkey;
    private final Path wtns;
    private final Path out;
    private final Random rnd = new Random(20);

    private DeviceCheck(NativeKernels device, Path zkey, Path wtns, Path out) {
        this.device = device;
        this.host = NativeKernels.host();
        this.full = device.kind() == NativeKernels.Kind.CUDA;
        this.zkey = zkey;
        this.wtns = wtns;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        String step = arg(args, "--step", null), library = arg(args, "--library", "cuda");
        NativeKernels device = library.equals("host") ? NativeKernels.host()
                : NativeKernels.load(GpuLibraries.require(GpuLibraries.CUDA));
        DeviceCheck c = new DeviceCheck(device, Path.of(arg(args, "--zkey", "withdraw.zkey")),
                Path.of(arg(args, "--wtns", "withdraw.wtns")), Path.of(arg(args, "--out", ".")));
        try {
            switch (step) {
                case "info" -> c.info();
                case "field" -> c.field();
                case "curve" -> c.curve();
                case "ntt" -> c.ntt();
                case "msm" -> c.msm();
                case "known" -> c.known(Group.valueOf(arg(args, "--group", "G1")), Integer.parseInt(arg(args, "--log", "10")));
                case "threads" -> c.threads();
                case "timing" -> c.timing();
                case "proofs" -> c.proofs(Integer.parseInt(arg(args, "--proofs", c.full ? "64" : "1")),
                        Integer.parseInt(arg(args, "--threads", c.full ? "4" : "1")));
                case null, default -> throw new IllegalArgumentException("unknown --step " + step);
            }
            System.out.println("PASS " + step);
        } catch (Mismatch m) {
            System.out.println("FAIL " + step + ": " + m.getMessage());
            System.exit(1);
        }
    }

    /** A result that differs from its reference. */
    private static final class Mismatch extends RuntimeException {
        Mismatch(String message) { super(message, null, false, false); }
    }

    private static void same(String what, long[] want, long[] got) {
        if (!Arrays.equals(want, got)) {
            int i = Arrays.mismatch(want, got);
            throw new Mismatch(what + ": limb " + i + " differs (reference " + (i < want.length ? Long.toHexString(want[i]) : "-")
                    + ", device " + (i < got.length ? Long.toHexString(got[i]) : "-") + ")");
        }
        System.out.println("  ok " + what);
    }

    private KernelContext open(NativeKernels k) { return k.open(0, full ? 100L << 30 : 2L << 30); }

    private void info() {
        System.out.println("library: " + device);
        System.out.println("devices: " + device.deviceCount());
        for (int i = 0; i < device.deviceCount(); i++) System.out.println("  " + device.device(i));
        System.out.println("reference: " + host);
    }

    // ---- field and curve: device vs host library, element-wise ----

    private void field() {
        try (KernelContext d = open(device); KernelContext h = open(host)) {
            for (KernelField f : KernelField.values()) {
                int n = 4096;
                long[] a = elements(f, n), b = elements(f, n);
                for (FieldOp op : FieldOp.values()) {
                    boolean binary = op == FieldOp.ADD || op == FieldOp.SUB || op == FieldOp.MUL;
                    // every input is below p, so it is valid in either form (for the conversions too)
                    same(f + " " + op, h.fieldOp(f, op, a, binary ? b : null, n), d.fieldOp(f, op, a, binary ? b : null, n));
                }
            }
        }
    }

    /** n reduced elements of the field: the edges 0, 1, 2, p-1, p-2 (per coordinate) first, then random ones. */
    private long[] elements(KernelField f, int n) {
        Values e = new Values(f == KernelField.FR ? Field.FR : Field.FQ);
        long[] v = new long[f.longs * n];
        for (int i = 0; i < n * f.longs / 4; i++) e.element(i, rnd, v, 4 * i);
        return v;
    }

    private void curve() {
        try (KernelContext d = open(device); KernelContext h = open(host); ProvingKey pk = ZkeyFile.read(zkey)) {
            for (Group g : Group.values()) {
                int w = g.affineLongs, n = 1024;
                MemorySegment src = g == Group.G1 ? pk.pointsA() : pk.pointsB2();
                long[] p = pick(src, w, n), q = pick(src, w, n);
                // the exceptional cases: infinity on either side, P+P, P+(-P)
                long[] negP = h.curveOp(g, CurveOp.NEG, p, null, n);
                System.arraycopy(new long[w], 0, p, 0, w);
                System.arraycopy(new long[w], 0, q, w, w);
                System.arraycopy(p, 2 * w, q, 2 * w, w);
                System.arraycopy(negP, 3 * w, q, 3 * w, w);
                long[] k = scalars(n, "random");
                for (CurveOp op : CurveOp.values()) {
                    long[] b = switch (op) {
                        case ADD, ADD_MIXED -> q;
                        case SCALAR_MUL -> k;
                        default -> null;
                    };
                    same(g + " " + op, h.curveOp(g, op, p, b, n), d.curveOp(g, op, p, b, n));
                }
            }
        }
    }

    // ---- NTT: every kind against the host library; round trips and the H step on the device ----

    private void ntt() {
        int maxLog = full ? 14 : 12;
        try (KernelContext d = open(device); KernelContext h = open(host)) {
            for (int log = 0; log <= maxLog; log++) {
                long[] a = elements(KernelField.FR, 1 << log);
                long[] x = a.clone(), y = a.clone();
                h.ntt(x, log, 1); d.ntt(y, log, 1); same("ntt 2^" + log, x, y);
                h.intt(x, log, 1); d.intt(y, log, 1); same("intt 2^" + log, x, y);
                h.cosetNtt(x, log, 1); d.cosetNtt(y, log, 1); same("coset ntt 2^" + log, x, y);
                h.cosetIntt(x, log, 1); d.cosetIntt(y, log, 1); same("coset intt 2^" + log, x, y);
                same("round trip 2^" + log, a, y);
            }
            for (int log : full ? new int[] {20, 22} : new int[] {14}) {
                long[] a = elements(KernelField.FR, 1 << log), y = a.clone();
                d.ntt(y, log, 1); d.intt(y, log, 1); same("device round trip ntt/intt 2^" + log, a, y);
                d.cosetNtt(y, log, 1); d.cosetIntt(y, log, 1); same("device round trip coset 2^" + log, a, y);
            }
            int log = full ? 16 : 10;
            long[] a = elements(KernelField.FR, 1 << log), b = elements(KernelField.FR, 1 << log), c = elements(KernelField.FR, 1 << log);
            long[] k = elements(KernelField.FR, 1);
            same("H step 2^" + log, h.computeH(a, b, c, log, k, true), d.computeH(a, b, c, log, k, true));
        }
    }

    // ---- MSM: against the Java engine's CPU MSM ----

    private void msm() {
        MsmBackend cpu = Groth16Prover.cpu().msm();
        try (GpuBackend gpu = GpuBackend.on(device, 0, 0); ProvingKey pk = ZkeyFile.read(zkey)) {
            int[] g1 = full ? new int[] {1, 255, 1 << 10, 1 << 12, 1 << 16} : new int[] {1, 255, 1 << 10};
            int[] g2 = full ? new int[] {1 << 8, 1 << 12} : new int[] {1 << 8};
            for (Group g : Group.values()) {
                MemorySegment src = g == Group.G1 ? pk.pointsCH() : pk.pointsB2();
                for (int n : g == Group.G1 ? g1 : g2) {
                    long[] points = pick(src, g.affineLongs, n);
                    try (MsmBackend.Bases c = cpu.prepare(g, points, 0, n); MsmBackend.Bases d = gpu.prepare(g, points, 0, n)) {
                        for (String kind : List.of("random", "edge", "zero-one", "zero")) {
                            long[] s = scalars(n, kind), want = new long[g.affineLongs], got = new long[g.affineLongs];
                            cpu.msm(c, s, want);
                            gpu.msm(d, s, got);
                            same(g + " msm 2^" + log2(n) + " (n=" + n + ") " + kind, want, got);
                        }
                    }
                }
            }
            // every window width, and several vectors per call, on G1 2^10
            int n = 1 << 10, vectors = 5;
            long[] points = pick(pk.pointsCH(), 8, n);
            try (MsmBackend.Bases c = cpu.prepare(Group.G1, points, 0, n); KernelContext ctx = open(device)) {
                ResidentBases d = ctx.upload(Group.G1, points, 0, n);
                long[] s = new long[4 * n * vectors], want = new long[8 * vectors];
                String[] kinds = {"random", "edge", "zero-one", "zero", "random"};
                for (int v = 0; v < vectors; v++) {
                    System.arraycopy(scalars(n, kinds[v]), 0, s, 4 * n * v, 4 * n);
                    long[] one = new long[8];
                    cpu.msm(c, Arrays.copyOfRange(s, 4 * n * v, 4 * n * (v + 1)), one);
                    System.arraycopy(one, 0, want, 8 * v, 8);
                }
                for (int wb = 2; wb <= 16; wb++) {
                    long[] got = new long[8 * vectors];
                    ctx.msm(d, s, 0, n, vectors, wb, got, 0);
                    same("G1 msm 2^10 x" + vectors + " vectors, window " + wb, want, got);
                }
            }
        }
    }

    // ---- large known-answer MSMs: bases with known discrete logs, the answer one scalar multiplication ----

    /**
     * Two vectors (random, and mostly 0/1 as circom witnesses are) over 2^log bases P_i = k_i·G with k_i = a·i + b
     * for random a, b: then Σ s_i·P_i = (a·Σ i·s_i + b·Σ s_i)·G, one scalar multiplication here, so sizes the CPU
     * MSM would take minutes over (2^22) are checked in seconds. The bases are an arithmetic progression, built by
     * repeated addition of a·G (in parallel chunks, each started by one scalar multiplication) and one batch
     * normalisation per chunk, not by 2^22 scalar multiplications.
     */
    private void known(Group g, int log) {
        int n = 1 << log, vectors = 2;
        BigInteger r = Field.FR.modulus();
        BigInteger a = new BigInteger(253, rnd).mod(r), b = new BigInteger(253, rnd).mod(r);
        long t0 = System.nanoTime();
        long[] bases = progression(g, a, b, n);
        long[] s = new long[4 * n * vectors];
        for (int v = 0; v < vectors; v++) System.arraycopy(scalars(n, v == 0 ? "random" : "zero-one"), 0, s, 4 * n * v, 4 * n);
        long[] want = new long[g.affineLongs * vectors];
        Curve curve = curve(g);
        for (int v = 0; v < vectors; v++) {
            BigInteger k = a.multiply(weightedSum(s, 4 * n * v, n, true)).add(b.multiply(weightedSum(s, 4 * n * v, n, false))).mod(r);
            long[] p = new long[curve.jacobianLongs];
            curve.scalarMul(curve.jacobianOf(curve.generator()), 0, k, p, 0);
            curve.toAffine(p, 0, want, g.affineLongs * v);
        }
        System.out.printf("  inputs and answers built on the host in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        try (KernelContext ctx = open(device)) {
            ResidentBases d = ctx.upload(g, bases, 0, n);
            long[] got = new long[g.affineLongs * vectors];
            long t1 = System.nanoTime();
            ctx.msm(d, s, 0, n, vectors, 0, got, 0);
            System.out.printf("  %s msm 2^%d x%d vectors: %.1f ms (first call, with its allocations)%n", g, log, vectors,
                    (System.nanoTime() - t1) / 1e6);
            same(g + " msm 2^" + log + " (random, mostly 0/1) against (sum s_i k_i)*G", want, got);
        }
    }

    /** P_i = (a·i + b)·G for i < n, affine. */
    private static long[] progression(Group g, BigInteger a, BigInteger b, int n) {
        int chunks = Math.min(n, 256), len = n / chunks;   // n and chunks are powers of two
        long[] out = new long[g.affineLongs * n];
        Curve c0 = curve(g);
        long[] step = c0.affineOf(multiple(c0, a));
        IntStream.range(0, chunks).parallel().forEach(j -> {
            Curve c = curve(g);
            int jl = c.jacobianLongs;
            long[] jac = new long[jl * len];
            long[] acc = multiple(c, a.multiply(BigInteger.valueOf((long) j * len)).add(b).mod(Field.FR.modulus()));
            for (int i = 0; i < len; i++) {
                System.arraycopy(acc, 0, jac, jl * i, jl);
                c.addMixed(acc, 0, step, 0, acc, 0);
            }
            c.batchToAffine(jac, 0, len, out, g.affineLongs * j * len);
        });
        return out;
    }

    /** k·G, Jacobian. */
    private static long[] multiple(Curve c, BigInteger k) {
        long[] p = new long[c.jacobianLongs];
        c.scalarMul(c.jacobianOf(c.generator()), 0, k, p, 0);
        return p;
    }

    private static Curve curve(Group g) { return g == Group.G1 ? new G1() : new G2(); }

    /** Σ i·s_i (weighted) or Σ s_i over n standard-form scalars from s[at]. */
    private static BigInteger weightedSum(long[] s, int at, int n, boolean weighted) {
        BigInteger sum = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
            BigInteger v = Field.standardToBigInteger(s, at + 4 * i);
            sum = sum.add(weighted ? v.multiply(BigInteger.valueOf(i)) : v);
        }
        return sum;
    }

    /** 4 threads on one context, each checking its own MSMs. */
    private void threads() throws Exception {
        MsmBackend cpu = Groth16Prover.cpu().msm();
        int n = full ? 1 << 14 : 1 << 9;
        try (GpuBackend gpu = GpuBackend.on(device, 0, 0); ProvingKey pk = ZkeyFile.read(zkey)) {
            long[] points = pick(pk.pointsCH(), 8, n);
            try (MsmBackend.Bases c = cpu.prepare(Group.G1, points, 0, n); MsmBackend.Bases d = gpu.prepare(Group.G1, points, 0, n)) {
                List<long[]> inputs = new ArrayList<>(), wants = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    long[] s = scalars(n, i % 2 == 0 ? "random" : "zero-one"), want = new long[8];
                    cpu.msm(c, s, want);
                    inputs.add(s);
                    wants.add(want);
                }
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<long[]>> got = new ArrayList<>();
                    for (long[] s : inputs) got.add(pool.submit(() -> { long[] o = new long[8]; gpu.msm(d, s, o); return o; }));
                    for (int i = 0; i < got.size(); i++) same("4 threads, msm " + i, wants.get(i), got.get(i).get());
                } finally {
                    pool.shutdown();
                }
            }
        }
    }

    // ---- timing: median of runs, milliseconds through the Java API, bases resident ----

    private void timing() {
        int runs = full ? 5 : 1;
        System.out.printf("  %-28s %10s %10s%n", "what", "median ms", "min ms");
        try (KernelContext ctx = open(device); ProvingKey pk = ZkeyFile.read(zkey)) {
            int[] g1 = full ? new int[] {16, 18, 20, 22} : new int[] {10, 12};
            int[] batch = full ? new int[] {1, 8, 32} : new int[] {1, 4};
            int[] g2 = full ? new int[] {16, 20} : new int[] {8};
            int[] ntt = full ? new int[] {16, 20, 22} : new int[] {10, 12};
            for (int v : batch) msmTiming(ctx, Group.G1, pick(pk.pointsCH(), 8, 1 << g1[0]), g1[0], v, runs);
            for (int i = 1; i < g1.length; i++) msmTiming(ctx, Group.G1, pick(pk.pointsCH(), 8, 1 << g1[i]), g1[i], 1, runs);
            for (int log : g2) msmTiming(ctx, Group.G2, pick(pk.pointsB2(), 16, 1 << log), log, 1, runs);
            for (int log : ntt) {
                long[] a = elements(KernelField.FR, 1 << log);
                row("ntt 2^" + log, runs, r -> { ctx.ntt(a, log, 1); return null; });
            }
        }
    }

    private void msmTiming(KernelContext ctx, Group g, long[] points, int log, int vectors, int runs) {
        int n = 1 << log;
        ResidentBases b = ctx.upload(g, points, 0, n);
        try {
            long[] s = new long[4 * n * vectors];
            for (int v = 0; v < vectors; v++) System.arraycopy(scalars(n, "random"), 0, s, 4 * n * v, 4 * n);
            long[] o = new long[g.affineLongs * vectors];
            row(g + " msm 2^" + log + " x" + vectors, runs, r -> { ctx.msm(b, s, 0, n, vectors, 0, o, 0); return null; });
        } finally {
            b.close();
        }
    }

    private static void row(String what, int runs, IntFunction<Void> body) {
        body.apply(-1);   // warm-up (twiddles, first launch)
        long[] t = new long[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            body.apply(r);
            t[r] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        System.out.printf("  %-28s %10.3f %10.3f%n", what, t[runs / 2] / 1e6, t[0] / 1e6);
    }

    // ---- withdraw proofs on the device, each verified here; written to --out for snarkjs ----

    private void proofs(int count, int threads) throws Exception {
        Witness w = WtnsFile.read(wtns);
        try (GpuBackend gpu = GpuBackend.on(device, 0, 0); ProvingKey pk = ZkeyFile.read(zkey)) {
            Groth16Prover prover = new Groth16Prover(gpu, gpu);
            long t0 = System.nanoTime();
            write(prover, pk, w, 0);   // warm-up: uploads the key's points
            System.out.printf("  first proof (with the key's upload): %.1f ms%n", (System.nanoTime() - t0) / 1e6);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Void>> done = new ArrayList<>();
                long t1 = System.nanoTime();
                for (int i = 1; i <= count; i++) {
                    int k = i;
                    done.add(pool.submit(() -> { write(prover, pk, w, k); return null; }));
                }
                for (Future<Void> f : done) f.get();
                double s = (System.nanoTime() - t1) / 1e9;
                System.out.printf("  %d withdraw proofs from %d threads in %.2f s: %.1f proofs/s (witness read from file, not timed)%n",
                        count, threads, s, count / s);
            } finally {
                pool.shutdown();
            }
        }
    }

    private void write(Groth16Prover prover, ProvingKey pk, Witness w, int i) throws Exception {
        ProofResult r = prover.prove(pk, w);
        if (!Verifier.verify(pk.preparedVerifyingKey(), r.publicSignals(), r.proof()))
            throw new Mismatch("withdraw proof " + i + " made on " + device.kind() + " does not verify");
        if (i <= 3) {   // a few for snarkjs back on the development machine
            Files.writeString(out.resolve("proof-" + i + ".json"), r.proof().toJson());
            Files.writeString(out.resolve("public-" + i + ".json"), r.publicSignals().toJson());
        }
    }

    // ---- inputs ----

    /** n points from src (affine, w longs each), cycled when src has fewer: duplicates are valid MSM input. */
    private static long[] pick(MemorySegment src, int w, int n) {
        long have = src.byteSize() / 8 / w;
        long[] p = new long[w * n];
        for (int i = 0; i < n; i++) MemorySegment.copy(src, ValueLayout.JAVA_LONG, 8L * w * (i % have), p, w * i, w);
        return p;
    }

    /** n standard-form scalars below r: random, edge (0, 1, r-1, r-2, 2^253, random), mostly 0/1, or all zero. */
    private long[] scalars(int n, String kind) {
        Values fr = new Values(Field.FR);
        long[] s = new long[4 * n];
        for (int i = 0; i < n; i++) {
            switch (kind) {
                case "random" -> fr.random(rnd, s, 4 * i);
                case "edge" -> fr.edge(i, rnd, s, 4 * i);
                case "zero-one" -> { if (rnd.nextInt(10) > 0) s[4 * i] = rnd.nextInt(2); else fr.random(rnd, s, 4 * i); }
                case "zero" -> { }
                default -> throw new IllegalArgumentException(kind);
            }
        }
        return s;
    }

    /** Values below a field's modulus as raw 4-limb little-endian words: random ones and the edges. */
    private record Values(Field field) {
        private static final BigInteger TWO_253 = BigInteger.ONE.shiftLeft(253);

        void random(Random rnd, long[] out, int at) {
            put(new BigInteger(256, rnd).mod(field.modulus()), out, at);
        }

        /** By i % 7: 0, 1, 2, p-1, p-2, 2^253, or a random value. */
        void edge(int i, Random rnd, long[] out, int at) {
            BigInteger p = field.modulus();
            BigInteger[] e = {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, p.subtract(BigInteger.ONE),
                    p.subtract(BigInteger.TWO), TWO_253};
            if (i % 7 < e.length) put(e[i % 7], out, at); else random(rnd, out, at);
        }

        /** Element i of a test vector: the edges first (0..5), then random. */
        void element(int i, Random rnd, long[] out, int at) {
            if (i < 6) edge(i, rnd, out, at); else random(rnd, out, at);
        }

        private static void put(BigInteger v, long[] out, int at) {
            for (int k = 0; k < 4; k++) out[at + k] = v.shiftRight(64 * k).longValue();
        }
    }

    private static int log2(int n) { return 31 - Integer.numberOfLeadingZeros(n); }

    private static String arg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
        return dflt;
    }
}
