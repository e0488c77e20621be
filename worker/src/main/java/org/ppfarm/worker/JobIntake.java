package org.ppfarm.worker;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.kafka.FarmTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A worker's Kafka intake: the member of the workers' consumer group ({@code <prefix>.workers}) on the jobs topics, on
 * one consumer thread that owns the KafkaConsumer (subscribe, rebalances, poll, pause/resume, commit) and hands
 * fetched jobs to the {@link ProverPool}.
 *
 * <p>Delivery is at-least-once: a job's offset is committed only after its terminal event is acknowledged by Kafka,
 * and only up to the first job of the partition that is not done ({@link PartitionOffsets}), so a worker that dies
 * mid-job leaves the job to the next owner of the partition. Duplicate results this causes are dropped by the
 * coordinator (first terminal state wins). A job whose event Kafka refused is queued again while its partition is
 * still this worker's.
 *
 * <p>The intake keeps at most {@code worker.prefetch} jobs queued or in flight; a full window pauses the partitions.
 */
final class JobIntake {
    private static final Logger log = LoggerFactory.getLogger(JobIntake.class);
    /** Longest a settled job's offset waits for its asynchronous commit in steady state. */
    static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long FULL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** The intake's settings, from {@link WorkerConfig}. */
    record Settings(int prefetch, int sessionTimeoutMs, int maxPollIntervalMs) {}

    private final String workerId;
    private final FarmTopics topics;
    private final int prefetch;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ProverPool pool;
    private final Consumer<Set<TopicPartition>> ownedChanged;
    private final PartitionOffsets offsets = new PartitionOffsets(); // consumer thread only
    private final ConcurrentLinkedQueue<ProverPool.Pending> done = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ProverPool.Pending> retry = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean fetching = true;
    private volatile boolean running = true;

    /**
     * @param kafka        the farm's Kafka client settings ({@code FarmConfigs.clientProps})
     * @param ownedChanged told, on the consumer thread, the jobs-topic partitions this worker owns after every change
     */
    JobIntake(String workerId, Map<String, Object> kafka, FarmTopics topics, Settings settings, ProverPool pool,
              Consumer<Set<TopicPartition>> ownedChanged) {
        this.workerId = workerId;
        this.topics = topics;
        this.prefetch = settings.prefetch();
        this.pool = pool;
        this.ownedChanged = ownedChanged;
        Map<String, Object> c = FarmConfigs.memberProps(kafka, workerId + "-jobs", group(topics), settings.prefetch(),
                settings.sessionTimeoutMs(), Map.of(
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, settings.maxPollIntervalMs(),
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()),
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FarmTopics.JOB_RECORD_MAX_BYTES));
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name(workerId + "-consumer").unstarted(this::consumeLoop);
    }

    /** The workers' consumer group on the jobs topics: {@code <prefix>.workers}. */
    static String group(FarmTopics topics) { return topics.prefix() + ".workers"; }

    /** Joins the group and starts fetching. */
    void start() { thread.start(); }

    /**
     * A fetched job left the prover pool: durable, its offset may be committed; otherwise it is tried again. Any
     * thread; the consumer thread takes it up on its next turn.
     */
    void ended(ProverPool.Pending job, boolean durable) {
        if (durable) done.add(job);
        else retry.add(job);
    }

    /** Wakes a consumer thread that sleeps on a full window (a slot is free). */
    void wake() { LockSupport.unpark(thread); }

    /** Stops fetching (graceful shutdown): the partitions are paused, the group membership kept until {@link #close}. */
    void stopFetching() { fetching = false; }

    /** Commits what is settled, synchronously, and leaves the group; waits for the consumer thread to end. */
    void close() throws InterruptedException {
        fetching = false;
        running = false;
        if (thread.getState() == Thread.State.NEW) { consumer.close(Duration.ofSeconds(5)); return; } // never started
        wake();
        thread.join(15_000);
    }

    private void consumeLoop() {
        long lastCommit = System.nanoTime();
        try {
            consumer.subscribe(topics.jobTopics(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                    // not-started jobs of moved partitions go back to their new owner; in-flight ones finish here and
                    // may be proved twice (the coordinator keeps the first result)
                    pool.drop(x -> parts.contains(x.tp()));
                    drainDone();
                    commit(parts, true);
                    offsets.removed(parts);
                    ownedChanged.accept(Set.copyOf(offsets.partitions()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                    offsets.assigned(parts);
                    ownedChanged.accept(Set.copyOf(offsets.partitions()));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> parts) {
                    pool.drop(x -> parts.contains(x.tp()));
                    offsets.removed(parts);
                    ownedChanged.accept(Set.copyOf(offsets.partitions()));
                }
            });
            while (running) {
                drainDone();
                // steady-state commits at most every COMMIT_INTERVAL_NANOS: a commit is a request to the group
                // coordinator, and one per poll under load costs more than the redelivery a crash could cause
                long now = System.nanoTime();
                if (now - lastCommit >= COMMIT_INTERVAL_NANOS) {
                    commit(offsets.partitions(), false);
                    lastCommit = now;
                }
                for (ProverPool.Pending r; (r = retry.poll()) != null; ) if (offsets.owns(r.tp())) pool.requeue(r);
                var assigned = consumer.assignment();
                boolean full = !fetching || pool.queued() + pool.inFlight() >= prefetch;
                if (full) consumer.pause(assigned);
                else consumer.resume(consumer.paused());
                // full: poll without waiting (rebalances and liveness still progress), then sleep until a job
                // settles (freeing a slot unparks this thread) rather than in poll, which nothing would wake: a
                // 20 ms poll per refill capped a saturated worker at about prefetch / 20 ms jobs per second
                var records = consumer.poll(full ? Duration.ZERO : Duration.ofMillis(20));
                if (full && records.isEmpty()) LockSupport.parkNanos(FULL_WAIT_NANOS);
                for (ConsumerRecord<String, byte[]> r : records) {
                    offsets.fetched(new TopicPartition(r.topic(), r.partition()), r.offset());
                    pool.add(topics.rank(r.topic()), r, null);
                }
            }
            drainDone();
            commit(offsets.partitions(), true);
        } catch (WakeupException e) {
            if (running) log.error("worker {}: consumer woken unexpectedly", workerId);
        } catch (RuntimeException e) {
            log.error("worker {}: consumer stopped: {}", workerId, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5)); // leaves the group
        }
    }

    private void drainDone() {
        for (ProverPool.Pending d; (d = done.poll()) != null; ) offsets.done(d.tp(), d.record().offset());
    }

    /**
     * Commits each partition up to its first job not done. Every offset committed belongs to a job whose terminal
     * event Kafka has acknowledged, so an asynchronous commit (the steady state: it keeps the consumer thread
     * fetching) that is lost in a crash only means those jobs are redelivered and their duplicate results dropped.
     * Rebalance and shutdown commit synchronously, so the next owner starts where this worker stopped.
     */
    private void commit(Collection<TopicPartition> parts, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> commits = offsets.commits(parts);
        if (commits.isEmpty()) return;
        if (sync) consumer.commitSync(commits);
        else consumer.commitAsync(commits, (o, e) -> {
            if (e != null) log.debug("worker {}: async commit failed ({}); a later commit covers it", workerId, e.toString());
        });
    }
}
