package org.ppfarm.prover;

import java.util.concurrent.ForkJoinTask;

/**
 * Splits an index range into contiguous chunks run on the common fork-join pool, the calling thread taking the
 * first chunk. On the 2-core reference machine the common pool has one worker, so the caller's share matters.
 *
 * <p>Chunks are contiguous so each thread walks memory linearly (butterflies, coefficient scans, bucket fills).
 */
public final class Parallel {
    private Parallel() {}

    /** Threads a parallel loop aims to keep busy: the machine's cores. */
    public static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** Body of a loop over the half-open range [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in at most {@link #THREADS} chunks of at least {@code grain} indices each,
     * returning when all are done. An exception in any chunk is rethrown after all chunks finished.
     */
    public static void forRange(int n, int grain, Range body) {
        int parts = (int) Math.min(THREADS, Math.max(1L, (long) n / Math.max(1, grain)));
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int from = (int) ((long) n * t / parts), to = (int) ((long) n * (t + 1) / parts);
            tasks[t - 1] = CpuTime.task(() -> body.run(from, to)).fork(); // charged to the caller's work
        }
        RuntimeException first = null;
        try {
            body.run(0, (int) ((long) n / parts));
        } catch (RuntimeException e) {
            first = e;
        }
        for (ForkJoinTask<?> task : tasks) {
            try {
                task.join();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
