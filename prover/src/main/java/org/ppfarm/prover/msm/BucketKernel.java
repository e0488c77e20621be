package org.ppfarm.prover.msm;

import java.util.ServiceLoader;

/**
 * The inner loop of {@link CpuMsm}'s Pippenger: drop (point, window) digits into one set of buckets and reduce them
 * to sum_b (b + 1)·bucket_b. This is nearly all of an MSM's arithmetic; the planning around it (scalar split, window
 * size, tasks on the fork-join pool, combining windows) stays in {@link CpuMsm}, whichever kernel runs.
 *
 * <p>Two implementations: {@link JavaBucketKernel} (always available) and a native one compiled by g++ (module
 * gpu-kernels, {@code NativeBucketKernel}), found through {@link ServiceLoader} when that module is on the class
 * path and its library loads. The native kernel runs the same algorithm about 3× faster: a 64×64→128-bit product
 * is one instruction there and add-with-carry chains compile to {@code adc}, which the JVM cannot express (a
 * Montgomery product costs ~14 ns against ~50 ns in Java on the development machine).
 *
 * <p>Implementations are thread-safe; {@link #bucketSum} is called from many threads at once.
 */
public interface BucketKernel {
    /** System property choosing the kernel: {@code auto} (default: native when available), {@code java}, {@code native}. */
    String PROPERTY = "ppfarm.msm.kernel";

    /** A base array made ready for {@link #bucketSum} (the native kernel copies it off-heap); closing releases it. */
    interface Resident extends AutoCloseable {
        @Override void close();
    }

    /** One MSM part's base references and scalars made ready for {@link #bucketSum}; closing releases them. */
    interface Entries extends AutoCloseable {
        @Override void close();
    }

    /** "java" or "native". */
    String name();

    /** Makes {@code points} (affine bases, the layout of {@link MsmBackend}) ready; the array must not change afterwards. */
    Resident resident(long[] points);

    /**
     * Makes entries ready: entry i refers to the base at {@code refs[i] >>> 1} (an offset in longs into the
     * resident array), negated when {@code refs[i] & 1}, with scalar {@code scalars[4i..4i+3]} (standard form).
     */
    Entries entries(int[] refs, long[] scalars, int size);

    /**
     * Writes to {@code out[oi]} (Jacobian) the bucket sum of entries [lo, hi) over windows [kLo, kHi): entry i's
     * signed c-bit digit d in window k ({@link SignedDigits}) adds the base at {@code (refs[i] >>> 1) +
     * (k - kLo)·tableStride}, negated per the sign of d and the reference, into bucket |d| − 1 of one set of
     * 2^bucketLog buckets. (A table stride of 0 with one window is the plain Pippenger window; a non-zero stride
     * reads precomputed shifted copies of the bases, one per window.)
     */
    void bucketSum(boolean g2, Resident bases, Entries entries, int lo, int hi, int kLo, int kHi, int c, int bucketLog,
                   long tableStride, long[] out, int oi);

    /**
     * The kernel {@link #PROPERTY} asks for: with {@code auto} the first service-loaded kernel whose
     * {@code available()} probe passes, else {@link JavaBucketKernel}; {@code native} fails when none loads.
     */
    static BucketKernel select() {
        String want = System.getProperty(PROPERTY, "auto").trim();
        if (want.equals("java")) return JavaBucketKernel.INSTANCE;
        if (!want.equals("auto") && !want.equals("native")) {
            throw new IllegalArgumentException(PROPERTY + " must be auto, java or native, got '" + want + "'");
        }
        StringBuilder why = new StringBuilder();
        for (Provider p : ServiceLoader.load(Provider.class)) {
            try {
                return p.open();
            } catch (RuntimeException | LinkageError e) {
                why.append(why.isEmpty() ? "" : "; ").append(e.getMessage());
            }
        }
        if (want.equals("native")) {
            throw new IllegalStateException(PROPERTY + "=native but no native MSM kernel loads"
                    + (why.isEmpty() ? " (module gpu-kernels is not on the class path)" : ": " + why));
        }
        return JavaBucketKernel.INSTANCE;
    }

    /** Service interface: a kernel that may be unavailable (e.g. its native library did not build here). */
    interface Provider {
        /** The kernel, or an exception saying why it cannot run here. */
        BucketKernel open();
    }
}
