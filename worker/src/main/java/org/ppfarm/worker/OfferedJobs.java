package org.ppfarm.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Jobs a coordinator offered this worker directly (docs/farm.md, "Job offers"), until their records' Kafka copies
 * arrive: the copy is then settled with the offered run instead of being proved again. An offered run that could not
 * publish its result gives its job up, so the copy proves it. Thread-safe.
 */
final class OfferedJobs {
    private static final long FORGET_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long SWEEP_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private record Run(CompletableFuture<Boolean> settled, long atNanos) {}

    private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

    /**
     * Takes an offered job: the stage its run completes (true once its result is durable in Kafka, false if it gave
     * the job up), or null if the job was offered here already. Sweeps at most once a minute: only taking adds runs.
     */
    CompletableFuture<Boolean> take(String jobId) {
        long now = System.nanoTime();
        long last = lastSweep.get();
        if (now - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) sweep();
        Run r = new Run(new CompletableFuture<>(), now);
        return runs.putIfAbsent(jobId, r) == null ? r.settled() : null;
    }

    /** The offered run of {@code jobId}, taken as {@code run}, ended; a run that gave the job up is forgotten. */
    void settled(String jobId, CompletableFuture<Boolean> run, boolean durable) {
        if (!durable) runs.computeIfPresent(jobId, (k, r) -> r.settled() == run ? null : r);
        run.complete(durable); // also for a Kafka copy that already took the stage (kafkaCopy)
    }

    /**
     * For a job's Kafka copy: the stage of its offered run here (true: the copy is settled; false: prove the copy),
     * or null if it was not offered here. Either way the job is no longer tracked.
     */
    CompletionStage<Boolean> kafkaCopy(String jobId) {
        Run r = runs.remove(jobId);
        return r == null ? null : r.settled();
    }

    /**
     * Forgets offered runs settled long ago whose Kafka copy went to another worker (their partition moved) or never
     * came (the coordinator could not write it).
     */
    void sweep() {
        long now = System.nanoTime();
        runs.values().removeIf(r -> r.settled().isDone() && now - r.atNanos() > FORGET_NANOS);
    }

    int size() { return runs.size(); }
}
