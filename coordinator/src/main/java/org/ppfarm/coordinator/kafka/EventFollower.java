package org.ppfarm.coordinator.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.ppfarm.coordinator.jobs.JobLog;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.jobs.JobStates;
import org.ppfarm.farm.kafka.KafkaFollower;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Consumes worker events as a member of the coordinators' consumer group and turns them into job states: each event
 * is merged by the tracker, each resulting change is written to the state topic, and only then are the events'
 * offsets committed — so an event is never lost across a coordinator restart, and one replayed after a crash merges
 * to no change (duplicates are dropped by {@link JobStates}).
 *
 * <p>{@link #awaitCaughtUp} waits until the events already on this follower's partitions at its first assignment are
 * merged and their states durable. A job that finished while no coordinator merged its event is known as finished only
 * from that event: a coordinator serves after this, so it answers for such jobs.
 */
public final class EventFollower extends KafkaFollower {
    private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String topic;
    private final Function<List<JobEvent>, CompletionStage<List<Job>>> apply;
    private final JobLog jobLog;
    private boolean settled = true; // follower thread only: every event polled so far is merged and its state durable
    private long lastCommit = System.nanoTime();

    /**
     * @param sessionTimeoutMs how soon, after this coordinator crashes, its partitions move to the others: until then
     *                         the events on them are merged by nobody, so a job whose result its client was told by
     *                         notice here, but whose state this follower had not yet written, shows RUNNING elsewhere
     */
    public EventFollower(Map<String, Object> clientProps, String clientId, String groupId, int sessionTimeoutMs, String topic,
                         Function<List<JobEvent>, CompletionStage<List<Job>>> apply, JobLog jobLog) {
        super(props(clientProps, clientId, groupId, sessionTimeoutMs), "event follower", clientId + "-event-follower");
        this.topic = topic;
        this.apply = apply;
        this.jobLog = jobLog;
    }

    private static Map<String, Object> props(Map<String, Object> clientProps, String clientId, String groupId, int sessionTimeoutMs) {
        return FarmConfigs.memberProps(clientProps, clientId + "-events", groupId, 2000, sessionTimeoutMs, Map.of());
    }

    @Override
    public EventFollower start() {
        super.start();
        return this;
    }

    /** A group member: caught up at the end offsets of its first assignment. */
    @Override
    protected void subscribe() {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                // another coordinator merges those now; position() would throw for a partition no longer ours
                forgetCatchUp(parts);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                catchUpTo(parts);
            }
        });
    }

    @Override
    protected void handle(ConsumerRecords<String, byte[]> records) throws Exception {
        settled = false;
        List<JobEvent> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                events.add(JobEvent.parseFrom(r.value()));
            } catch (InvalidProtocolBufferException e) {
                log.warn("events topic {}-{}@{}: unreadable record skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
        // one merge per poll; every state it changed is written (RUNNING too: every coordinator shows it, and a
        // restarted one shows it RUNNING, not QUEUED)
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (Job job : apply.apply(events).toCompletableFuture().get(30, TimeUnit.SECONDS))
            writes.add(jobLog.publishState(job));
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        // the merged states are durable: commit without stalling the next poll (a commit lost in a crash
        // only replays events that merge to no change)
        settled = true;
        // at most every 100 ms: each commit is a request to the group coordinator
        long now = System.nanoTime();
        if (now - lastCommit >= COMMIT_INTERVAL_NANOS) {
            lastCommit = now;
            consumer.commitAsync((o, e) -> { if (e != null) log.debug("events commit failed ({}); a later commit covers it", e.toString()); });
        }
    }

    /** Uncommitted events are redelivered to the next coordinator in the group; a batch cut short is left to be replayed. */
    @Override
    protected void beforeClose() {
        try {
            if (settled) consumer.commitSync(Duration.ofSeconds(5));
        } catch (Exception e) {
            log.debug("final events commit failed: {}", e.toString());
        }
    }
}
