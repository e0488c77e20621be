package org.ppfarm.prover.ntt;

import java.math.BigInteger;
import java.util.concurrent.ConcurrentHashMap;
import org.ppfarm.prover.Parallel;
import org.ppfarm.prover.bn254.Field;

/**
 * The CPU {@link NttBackend}: iterative radix-2 transforms over Montgomery-form Fr in flat {@code long[]}.
 *
 * <ol>
 *   <li>{@link #ntt}/{@link #intt} permute to bit-reversed order, then run Cooley-Tukey (decimation in time) stages,
 *       which turn bit-reversed input into natural-order output.</li>
 *   <li>{@link #quotientOnOddCoset} never permutes: a Gentleman-Sande (decimation in frequency) inverse transform
 *       takes natural-order evaluations to bit-reversed coefficients, the coset shift ω_{2n}^i and 1/n are applied
 *       in that order (one table), and a Cooley-Tukey forward transform returns natural-order coset evaluations.</li>
 * </ol>
 * Twiddles are precomputed once per domain size and laid out stage by stage ({@code tw[m + j] = ω_{2m}^j} for the
 * stage whose butterflies span m), so every stage reads its twiddles contiguously. Stages whose butterflies stay
 * inside a 2^12-element block (128 KiB, cache-sized) run block by block, all of them in one pass over memory and
 * the blocks spread over the cores; the few wider stages each split their n/2 butterflies into contiguous chunks
 * over the cores ({@link Parallel}). For the quotient, the local stages of the inverse transform, the coset shift
 * and the local stages of the forward transform share that one pass.
 *
 * <p>The butterfly and pointwise loops run in an {@link NttKernel} (Java, or native when module cpu-kernels is
 * present: {@link org.ppfarm.prover.CpuKernels}); the structure above is the same for both.
 *
 * <p>Thread-safe: domains are immutable once built and cached in a concurrent map.
 */
public final class CpuNttBackend implements NttBackend {
    /** Fr's 2^28-th root of unity as snarkjs/ffjavascript fix it (Fr.s = 28). */
    static final BigInteger ROOT_2_28 = new BigInteger(
            "19103219067921713944291392827692070036145651957329286315305642004821462161904");
    /** log2 of the largest power-of-two subgroup of Fr*. */
    public static final int MAX_LOG = 28;
    /** Blocks of 2^12 elements (128 KiB) fit a core's L2: stages inside a block run block by block, in one pass. */
    private static final int BLOCK_LOG = 12;
    /** Below this many butterflies per stage a transform runs on the calling thread. */
    private static final int PARALLEL_GRAIN = 1 << 11;

    private static final Field F = Field.FR;
    private final ConcurrentHashMap<Integer, Domain> domains = new ConcurrentHashMap<>();

    private final NttKernel kernel;

    /** With the selected kernel ({@link org.ppfarm.prover.CpuKernels#selected}). */
    public CpuNttBackend() { this(org.ppfarm.prover.CpuKernels.selected().ntt()); }

    public CpuNttBackend(NttKernel kernel) { this.kernel = java.util.Objects.requireNonNull(kernel, "kernel"); }

    /** "cpu" with the Java kernel, "cpu-native" with the native one. */
    @Override public String name() { return kernel.name().equals("java") ? "cpu" : "cpu-" + kernel.name(); }

    @Override
    public void ntt(long[] a, int log) {
        Domain d = domain(log);
        check(a, d, "a");
        bitReverse(a, d);
        dit(a, d, d.forward);
    }

    @Override
    public void intt(long[] a, int log) {
        Domain d = domain(log);
        check(a, d, "a");
        bitReverse(a, d);
        dit(a, d, d.inverse);
        long[] nInv = d.nInv;
        Parallel.forRange(d.n, PARALLEL_GRAIN, (from, to) -> kernel.scale(a, nInv, from, to));
    }

    @Override
    public long[] quotientOnOddCoset(long[] a, long[] b, long[] c, int log) {
        if (log >= MAX_LOG) throw new IllegalArgumentException("odd coset of a 2^" + log + " domain needs a 2^" + (log + 1) + "-th root of unity; Fr has none");
        Domain d = domain(log);
        check(a, d, "a");
        check(b, d, "b");
        check(c, d, "c");
        long[] shift = d.oddCosetBitReversed();
        int local = Math.min(BLOCK_LOG, d.log);
        for (long[] v : new long[][] {a, b, c}) {
            difGlobal(v, d, d.inverse, local);
            // one pass over memory for the cache-sized stages of both transforms and the shift between them
            Parallel.forRange(d.n >>> local, 1, (from, to) -> {
                for (int block = from; block < to; block++) {
                    difLocal(v, d.inverse, block, local);
                    kernel.mul(v, shift, block << local, (block + 1) << local);
                    ditLocal(v, d.forward, block, local);
                }
            });
            ditGlobal(v, d, d.forward, local);
        }
        Parallel.forRange(d.n, PARALLEL_GRAIN, (from, to) -> kernel.mulSub(a, b, c, from, to));
        return a;
    }

    /** The precomputed tables for one domain size (built on first use, then shared). */
    Domain domain(int log) {
        if (log < 0 || log > MAX_LOG) throw new IllegalArgumentException("domain 2^" + log + " outside [2^0, 2^" + MAX_LOG + "]");
        return domains.computeIfAbsent(log, Domain::new);
    }

    private static void check(long[] v, Domain d, String name) {
        if (v.length < 4L * d.n) throw new IllegalArgumentException(name + " holds " + v.length / 4 + " elements, domain needs " + d.n);
    }

    /** Cooley-Tukey stages m = 1, 2, ..., n/2: bit-reversed input, natural-order output. */
    private void dit(long[] a, Domain d, long[] tw) {
        int local = Math.min(BLOCK_LOG, d.log);
        Parallel.forRange(d.n >>> local, 1, (from, to) -> {
            for (int block = from; block < to; block++) ditLocal(a, tw, block, local);
        });
        ditGlobal(a, d, tw, local);
    }

    /** Gentleman-Sande stages m = n/2, ..., 1: natural-order input, bit-reversed output. */
    private void dif(long[] a, Domain d, long[] tw) {
        int local = Math.min(BLOCK_LOG, d.log);
        difGlobal(a, d, tw, local);
        Parallel.forRange(d.n >>> local, 1, (from, to) -> {
            for (int block = from; block < to; block++) difLocal(a, tw, block, local);
        });
    }

    /** The stages whose butterflies span whole blocks (m ≥ 2^local), one parallel pass each. */
    private void ditGlobal(long[] a, Domain d, long[] tw, int local) {
        for (int logm = local; logm < d.log; logm++) {
            int lm = logm;
            Parallel.forRange(d.n >>> 1, PARALLEL_GRAIN, (from, to) -> kernel.dit(a, tw, lm, from, to));
        }
    }

    private void difGlobal(long[] a, Domain d, long[] tw, int local) {
        for (int logm = d.log - 1; logm >= local; logm--) {
            int lm = logm;
            Parallel.forRange(d.n >>> 1, PARALLEL_GRAIN, (from, to) -> kernel.dif(a, tw, lm, from, to));
        }
    }

    /** Stages m = 1 .. 2^(local-1) inside block {@code block} of 2^local elements, which stays in the core's cache. */
    private void ditLocal(long[] a, long[] tw, int block, int local) {
        if (local == 0) return;
        int from = block << (local - 1), to = (block + 1) << (local - 1);
        for (int logm = 0; logm < local; logm++) kernel.dit(a, tw, logm, from, to);
    }

    private void difLocal(long[] a, long[] tw, int block, int local) {
        if (local == 0) return;
        int from = block << (local - 1), to = (block + 1) << (local - 1);
        for (int logm = local - 1; logm >= 0; logm--) kernel.dif(a, tw, logm, from, to);
    }

    private static void bitReverse(long[] a, Domain d) {
        int shift = 32 - d.log;
        if (d.log == 0) return;
        for (int i = 0; i < d.n; i++) {
            int j = Integer.reverse(i) >>> shift;
            if (i < j) {
                for (int l = 0; l < 4; l++) {
                    long x = a[4 * i + l];
                    a[4 * i + l] = a[4 * j + l];
                    a[4 * j + l] = x;
                }
            }
        }
    }

    /**
     * ω_{2^log} as snarkjs derives it: the 2^28-th root squared 28 − log times (Montgomery form). Public for the
     * development setup, whose Lagrange bases must be over the very domain the prover transforms on.
     */
    public static long[] rootOfUnity(int log) {
        long[] w = F.fromBigInteger(ROOT_2_28);
        for (int i = log; i < MAX_LOG; i++) F.square(w, 0, w, 0);
        return w;
    }

    /** Tables for n = 2^log. */
    static final class Domain {
        final int log, n;
        /** tw[m + j] = ω_{2m}^j for each stage half-size m (index 0 unused); inverse holds ω_{2m}^-j. */
        final long[] forward, inverse;
        final long[] nInv;
        private volatile long[] oddCosetBitReversed;

        Domain(int log) {
            this.log = log;
            this.n = 1 << log;
            long[] w = rootOfUnity(log);
            long[] wInv = new long[4];
            F.inverse(w, 0, wInv, 0);
            forward = stageTwiddles(w, n);
            inverse = stageTwiddles(wInv, n);
            nInv = F.fromBigInteger(BigInteger.valueOf(n).modInverse(F.modulus()));
        }

        private static long[] stageTwiddles(long[] w, int n) {
            long[] tw = new long[4 * Math.max(n, 1)];
            if (n < 2) return tw;
            int half = n >>> 1;
            // the last stage (m = n/2) holds ω_n^j, j < n/2; each earlier stage is every other element of the next
            F.setOne(tw, 4 * half);
            for (int j = 1; j < half; j++) F.mul(tw, 4 * (half + j - 1), w, 0, tw, 4 * (half + j));
            for (int m = half >>> 1; m >= 1; m >>>= 1) {
                for (int j = 0; j < m; j++) Field.copy(tw, 4 * (2 * m + 2 * j), tw, 4 * (m + j));
            }
            return tw;
        }

        /** shift[p] = ω_{2n}^{rev(p)} / n: the odd-coset shift and the inverse transform's 1/n, in bit-reversed order. */
        long[] oddCosetBitReversed() {
            long[] s = oddCosetBitReversed;
            if (s != null) return s;
            long[] g = rootOfUnity(log + 1);
            long[] natural = new long[4 * n];
            Field.copy(nInv, 0, natural, 0);
            for (int i = 1; i < n; i++) F.mul(natural, 4 * (i - 1), g, 0, natural, 4 * i);
            s = new long[4 * n];
            int shift = 32 - log;
            for (int p = 0; p < n; p++) {
                int i = log == 0 ? 0 : Integer.reverse(p) >>> shift;
                Field.copy(natural, 4 * i, s, 4 * p);
            }
            oddCosetBitReversed = s;
            return s;
        }
    }
}
