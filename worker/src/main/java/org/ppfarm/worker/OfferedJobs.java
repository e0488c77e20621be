package org.ppfarm.worker;

import org.ppfarm.proto.v1.JobEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Jobs a coordinator offered this worker directly (docs/farm.md, "Job offers"), until their records' Kafka copies
 * arrive: the copy is then settled with the offered run instead of being proved again. An offered run's terminal
 * event is held here, not published, until its copy arrives: a job whose record never reached Kafka (the
 * coordinator's write failed, so its submission failed) then leaves no event, and no coordinator records a state for
 * a job id it never accepted. The run's result notice goes to its coordinator at once all the same. An offered run
 * that gave its job up leaves no event, so the copy proves it. Thread-safe.
 */
final class OfferedJobs {
    private static final Logger log = LoggerFactory.getLogger(OfferedJobs.class);
    private static final long FORGET_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long SWEEP_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** An offered run's stage, and the terminal event it holds for the copy. */
    private static final class Run extends CompletableFuture<Boolean> {
        final long atNanos;
        volatile JobEvent held;

        Run(long atNanos) { this.atNanos = atNanos; }
    }

    private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

    /**
     * Takes an offered job: the stage its run completes (true once it ended with a terminal event held for the copy,
     * false if it gave the job up), or null if the job was offered here already. Sweeps at most once a minute: only
     * taking adds runs.
     */
    CompletableFuture<Boolean> take(String jobId) {
        long now = System.nanoTime();
        long last = lastSweep.get();
        if (now - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) sweep();
        Run r = new Run(now);
        return runs.putIfAbsent(jobId, r) == null ? r : null;
    }

    /** Holds an offered run's terminal event (before its stage completes) for the job's Kafka copy to publish. */
    void hold(CompletableFuture<Boolean> run, JobEvent terminal) { ((Run) run).held = terminal; }

    /** The offered run of {@code jobId}, taken as {@code run}, ended; a run that gave the job up is forgotten. */
    void settled(String jobId, CompletableFuture<Boolean> run, boolean ended) {
        if (!ended) runs.remove(jobId, run);
        run.complete(ended); // also for a Kafka copy that already took the stage (kafkaCopy)
    }

    /**
     * For a job's Kafka copy: null if the job was not offered here; else the copy's stage, settled with the offered
     * run — once the run ended, the event it holds is published through {@code publish} (true once durable); a run
     * that ended with no event to publish (its job had finished already) settles the copy at once; one that gave the
     * job up completes with false, so the copy is tried again (and proved). Either way the job is no longer tracked.
     */
    CompletionStage<Boolean> kafkaCopy(String jobId, Function<JobEvent, CompletionStage<Boolean>> publish) {
        Run r = runs.remove(jobId);
        if (r == null) return null;
        return r.thenCompose(ended -> !ended ? CompletableFuture.completedFuture(false)
                : r.held == null ? CompletableFuture.completedFuture(true) : publish.apply(r.held));
    }

    /** Whether an offered run of {@code jobId} still waits for its job's Kafka copy. */
    boolean awaitingCopy(String jobId) { return runs.containsKey(jobId); }

    /**
     * Forgets offered runs settled long ago whose Kafka copy went to another worker (their partition moved: that
     * worker proves the copy and publishes its result) or never came (the coordinator could not write it).
     */
    void sweep() {
        long now = System.nanoTime();
        runs.entrySet().removeIf(en -> {
            Run r = en.getValue();
            if (!r.isDone() || now - r.atNanos <= FORGET_NANOS) return false;
            if (r.held != null)
                log.info("offered job {}: its record never reached this worker through Kafka within 10 min; its result is not published here",
                        en.getKey());
            return true;
        });
    }

    int size() { return runs.size(); }
}
