package org.ppfarm.coordinator.jobs;

import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A test double of the job log, not of anything that uses it: it keeps every record and state written, in order, in
 * memory, names topics as {@link FarmTopics} does, and completes each write at once (or fails it, as an unreachable
 * Kafka would, after {@link #failWrites}). Lets the submission path and the gRPC edge run in-process with nothing
 * else standing in for them. Thread-safe.
 */
public final class InMemoryJobLog implements JobLog {

    /** One job record as written: its topic and partition ({@link #ANY_PARTITION} when left to the log). */
    public record Written(String topic, int partition, JobRecord record) {}

    public static final int ANY_PARTITION = -1;

    private final FarmTopics topics;
    private final boolean spread;
    private final String origin = "in-memory/" + UUID.randomUUID();
    private final List<Written> jobs = new ArrayList<>();
    private final List<Job> states = new ArrayList<>();
    private final List<String> forgotten = new ArrayList<>();
    private String failure; // non-null: every write fails with it
    private String jobFailure; // non-null: every job record's write fails with it

    public InMemoryJobLog(String topicPrefix, boolean spread) {
        this.topics = new FarmTopics(topicPrefix);
        this.spread = spread;
    }

    /** From now on every write fails with {@code message}; null: writes succeed again. */
    public synchronized void failWrites(String message) { this.failure = message; }

    /** From now on every job record's write fails with {@code message} (states are still written); null: no longer. */
    public synchronized void failJobWrites(String message) { this.jobFailure = message; }

    /** The job ids whose state was deleted ({@link #forgetState}), in order. */
    public synchronized List<String> forgotten() { return List.copyOf(forgotten); }

    /** What a broker with Kafka's default message.max.bytes (1048588) takes, as KafkaJobLog reckons it. */
    @Override
    public int maxJobRecordBytes() { return 1048588 - 256; }

    /** The job records written so far, in order. */
    public synchronized List<Written> jobs() { return List.copyOf(jobs); }

    /** The job states written so far, in order. */
    public synchronized List<Job> states() { return List.copyOf(states); }

    @Override
    public CompletableFuture<Void> publishJob(JobRecord r) { return write(new Written(jobsTopic(r), ANY_PARTITION, r)); }

    @Override
    public CompletableFuture<Void> publishJob(JobRecord r, int partition) { return write(new Written(jobsTopic(r), partition, r)); }

    private synchronized CompletableFuture<Void> write(Written w) {
        if (failure != null || jobFailure != null)
            return CompletableFuture.failedFuture(new IllegalStateException(failure != null ? failure : jobFailure));
        jobs.add(w);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> publishState(Job job) {
        if (failure != null) return CompletableFuture.failedFuture(new IllegalStateException(failure));
        states.add(job);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void forgetState(String jobId) {
        if (failure == null) forgotten.add(jobId);
    }

    @Override
    public String jobsTopic(JobRecord r) { return topics.jobs(r.getPriority()); }

    @Override
    public boolean spread() { return spread; }

    @Override
    public String origin() { return origin; }

    @Override
    public void close() {}
}
