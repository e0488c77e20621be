package org.ppfarm.coordinator.jobs;

import org.ppfarm.farm.jobs.JobStates;
import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Consumes worker events as a member of the coordinators' consumer group and turns them into job states: each event
 * is merged by the tracker, each resulting change is written to the state topic, and only then are the events'
 * offsets committed — so an event is never lost across a coordinator restart, and one replayed after a crash merges
 * to no change (duplicates are dropped by {@link JobStates}).
 */
public final class EventFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventFollower.class);
    private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Function<List<JobEvent>, CompletionStage<List<Job>>> apply;
    private final JobLog jobLog;
    private final Thread thread;
    private volatile boolean running = true;
    /** Counted down once the events that existed when partitions were first assigned are merged and durable. */
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private Map<TopicPartition, Long> catchUp; // consumer thread only; null until the first assignment

    public EventFollower(Map<String, Object> clientProps, String clientId, String groupId, String topic,
                         Function<List<JobEvent>, CompletionStage<List<Job>>> apply, JobLog jobLog) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-events");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.apply = apply;
        this.jobLog = jobLog;
        this.thread = Thread.ofPlatform().name(clientId + "-event-follower").daemon().unstarted(this::run);
    }

    public EventFollower start() {
        thread.start();
        return this;
    }

    /**
     * Waits until the events already on this follower's partitions at its first assignment are merged and their
     * states durable. A job's submission writes only its job record, so a job that finished while no coordinator
     * merged its event is known only from that event: a coordinator serves after this, so it answers for such jobs.
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkCaughtUp() {
        if (catchUp == null || caughtUp.getCount() == 0) return;
        catchUp.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        if (catchUp.isEmpty()) caughtUp.countDown();
    }

    private void run() {
        boolean settled = true; // every event polled so far is merged and its state durable
        long lastCommit = System.nanoTime();
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                    // another coordinator merges those now; position() would throw for a partition no longer ours
                    if (catchUp != null) catchUp.keySet().removeAll(parts);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                    if (catchUp == null) catchUp = new HashMap<>(consumer.endOffsets(parts));
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) { checkCaughtUp(); continue; }
                settled = false;
                List<JobEvent> events = new ArrayList<>(records.count());
                for (ConsumerRecord<String, byte[]> r : records) {
                    try {
                        events.add(JobEvent.parseFrom(r.value()));
                    } catch (InvalidProtocolBufferException e) {
                        log.warn("events topic {}-{}@{}: unreadable record skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
                // one merge per poll; only terminal states are written: RUNNING is shown to watchers but not made
                // durable (a restarted coordinator shows such a job QUEUED until its result arrives)
                List<CompletableFuture<Void>> writes = new ArrayList<>();
                for (Job job : apply.apply(events).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    if (JobStates.terminal(job.getStatus())) writes.add(jobLog.publishState(job));
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                // the merged states are durable: commit without stalling the next poll (a commit lost in a crash
                // only replays events that merge to no change)
                settled = true;
                checkCaughtUp();
                // at most every 100 ms: each commit is a request to the group coordinator
                long now = System.nanoTime();
                if (now - lastCommit >= COMMIT_INTERVAL_NANOS) {
                    lastCommit = now;
                    consumer.commitAsync((o, e) -> { if (e != null) log.debug("events commit failed ({}); a later commit covers it", e.toString()); });
                }
            }
        } catch (WakeupException e) {
            if (running) log.error("event follower woken unexpectedly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // uncommitted events are redelivered to the next coordinator in the group
            log.error("event follower stopped: {}", e.toString());
        } finally {
            try {
                if (settled) consumer.commitSync(Duration.ofSeconds(5)); // a batch cut short is left to be replayed
            } catch (Exception e) {
                log.debug("final events commit failed: {}", e.toString());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
