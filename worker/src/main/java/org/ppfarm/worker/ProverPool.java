package org.ppfarm.worker;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A worker's prover threads and the local queue they take jobs from: fetched and offered jobs wait in one priority
 * queue (high before normal before low, then arrival order), and each of {@code threads} provers runs one at a time.
 *
 * <p>A job counts as in flight from the moment a prover takes it until its terminal event is acknowledged by Kafka,
 * not just until it is proved: a prover does not wait for that acknowledgement (it takes the next job while the event
 * travels), so the in-flight count is what bounds the intake's prefetch window and what graceful shutdown waits for.
 * When a run ends the pool tells its {@link Listener} first and frees the slot after, so whoever waits for in-flight
 * jobs to reach zero sees every outcome already handed over.
 *
 * <p>Thread-safe: the intake and the offer inbox add jobs, provers take them.
 */
final class ProverPool {
    private static final Logger log = LoggerFactory.getLogger(ProverPool.class);

    /**
     * A job waiting for or held by a prover thread. {@code offer}: null for a record fetched from Kafka; for a
     * coordinator's offer (its record has no offset of its own), the stage its run completes.
     */
    record Pending(int rank, long seq, ConsumerRecord<String, byte[]> record, CompletableFuture<Boolean> offer) implements Comparable<Pending> {
        TopicPartition tp() { return new TopicPartition(record.topic(), record.partition()); }

        boolean offered() { return offer != null; }

        @Override
        public int compareTo(Pending o) {
            return rank != o.rank ? Integer.compare(rank, o.rank) : Long.compare(seq, o.seq);
        }
    }

    /** Runs one job (production: {@link JobRunner#run(ConsumerRecord, CompletableFuture)}). */
    @FunctionalInterface
    interface Runner {
        /**
         * The stage completes with true once the job is settled (a fetched job's terminal event durable; an offered
         * job's run ended, its event held for the Kafka copy), false to try the job again.
         *
         * @param offer the offered run's stage ({@link Pending#offer}), or null for a fetched record
         */
        CompletionStage<Boolean> run(ConsumerRecord<String, byte[]> record, CompletableFuture<Boolean> offer) throws InterruptedException;
    }

    /** What the pool tells the rest of the worker; called on prover threads and Kafka's producer thread. */
    interface Listener {
        /**
         * A job left the pool: {@code settled}, a fetched job's terminal event is in Kafka, an offered job's is held
         * for its Kafka copy; otherwise it was given up.
         */
        void ended(Pending job, boolean settled);

        /** A slot was freed: an intake whose prefetch window was full may fetch again. */
        void slotFreed();

        /** A prover took or finished a job, or a job was queued: {@link #idle()} may have changed. */
        void idleMayHaveChanged();
    }

    private final String workerId;
    private final int threads;
    /** Jobs that can prove at once: {@code min(threads, proving slots)}; more in progress and a new one waits for a slot. */
    private final int provingAtOnce;
    private final Runner runner;
    private final Listener listener;
    private final PriorityBlockingQueue<Pending> queue = new PriorityBlockingQueue<>();
    private final AtomicLong seq = new AtomicLong();
    /** Jobs taken by a prover whose terminal event is not yet acknowledged. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Prover threads inside {@link Runner#run} now. */
    private final AtomicInteger proving = new AtomicInteger();
    private final List<Thread> provers = new ArrayList<>();
    private volatile boolean taking = true;

    /**
     * @param provingSlots the proofs the runner computes at once ({@code worker.proving.slots}); threads beyond it
     *                     compute the next jobs' witnesses while they wait for a slot
     */
    ProverPool(String workerId, int threads, int provingSlots, Runner runner, Listener listener) {
        if (threads < 1) throw new IllegalArgumentException("prover threads must be positive, got " + threads);
        if (provingSlots < 1) throw new IllegalArgumentException("proving slots must be positive, got " + provingSlots);
        this.workerId = workerId;
        this.threads = threads;
        this.provingAtOnce = Math.min(threads, provingSlots);
        this.runner = runner;
        this.listener = listener;
        for (int i = 0; i < threads; i++) provers.add(Thread.ofPlatform().name(workerId + "-prover-" + i).unstarted(this::proveLoop));
    }

    void start() { provers.forEach(Thread::start); }

    int threads() { return threads; }

    /** Queues a job; {@code rank} orders it (lower first), then arrival order. */
    void add(int rank, ConsumerRecord<String, byte[]> record, CompletableFuture<Boolean> offer) {
        queue.add(new Pending(rank, seq.getAndIncrement(), record, offer));
        listener.idleMayHaveChanged();
    }

    /** Queues a job again as it was (its priority and place in arrival order kept), e.g. one whose event Kafka refused. */
    void requeue(Pending job) { queue.add(job); }

    int queued() { return queue.size(); }

    int inFlight() { return inFlight.get(); }

    /**
     * Whether a job offered now would start proving without waiting: still taking jobs, nothing queued, and fewer
     * jobs in progress than can prove at once. A job in progress holds a proving slot or will ask for one as soon as
     * its witness is ready, ahead of a job taken after it, so with more threads than slots a prover thread may be free
     * while an offered job would still wait: that worker is busy for offers. Fetched jobs are not gated by this (the
     * intake fills the queue up to its prefetch window), so a spare thread still computes the next fetched job's
     * witness during a proof.
     */
    boolean idle() { return taking && queue.isEmpty() && proving.get() < provingAtOnce; }

    /**
     * Removes queued jobs {@code which} selects. An offered one gives its job up ({@link Listener#ended} with false:
     * a Kafka copy waiting on it is then proved, or, for a partition no longer ours, dropped with the partition); a
     * fetched one is just forgotten (its offset stays uncommitted, so the partition's owner fetches it again).
     */
    void drop(Predicate<Pending> which) {
        List<Pending> offered = new ArrayList<>();
        queue.removeIf(x -> {
            if (!which.test(x)) return false;
            if (x.offered()) offered.add(x);
            return true;
        });
        offered.forEach(x -> listener.ended(x, false));
        listener.idleMayHaveChanged();
    }

    /**
     * Stops starting jobs: provers leave after the job they hold, queued offered jobs are given up and queued fetched
     * ones stay uncommitted (the partition's next owner proves them). In-flight jobs finish: see {@link #awaitInFlight}.
     */
    void stopTaking() {
        taking = false;
        drop(Pending::offered);
    }

    /** Waits until no job is in flight, at most until {@code deadlineNanos} ({@link System#nanoTime()}); whether none is. */
    boolean awaitInFlight(long deadlineNanos) throws InterruptedException {
        while (inFlight.get() > 0 && System.nanoTime() < deadlineNanos) Thread.sleep(20);
        return inFlight.get() == 0;
    }

    /** Interrupts provers still proving (past the grace period) and waits for the threads to end. */
    void stop() throws InterruptedException {
        taking = false;
        for (Thread t : provers) { t.interrupt(); t.join(10_000); }
    }

    private void proveLoop() {
        while (taking) { // shutting down: queued jobs are handed back, not started
            Pending job;
            try {
                job = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (job == null) continue;
            inFlight.incrementAndGet(); // until the job's terminal event is acknowledged, not just until it is proved
            proving.incrementAndGet();
            listener.idleMayHaveChanged();
            try {
                runner.run(job.record(), job.offer()).whenComplete((settled, e) -> end(job, e == null && settled));
            } catch (InterruptedException e) {
                end(job, false);
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                log.error("worker {}: job at {}-{}@{} failed unexpectedly: {}", workerId, job.record().topic(), job.record().partition(),
                        job.record().offset(), e.toString());
                end(job, false);
            } finally {
                proving.decrementAndGet();
                listener.idleMayHaveChanged();
            }
        }
    }

    /** Hands the outcome over before freeing the slot (see the class comment). */
    private void end(Pending job, boolean durable) {
        listener.ended(job, durable);
        inFlight.decrementAndGet();
        listener.slotFreed();
    }
}
