package org.ppfarm.farm.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStateRecord;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.WebhookDelivery;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Follows the compacted state topic from its beginning, on its own thread, handing every job state to a sink. Not a
 * consumer-group member: every coordinator and worker reads every partition. {@link #awaitCaughtUp} returns once the
 * records that existed at start have all been handed over, so a restarted coordinator knows every job before it
 * serves. The sink sees the record's {@link FarmTopics} headers first and parses the value (the whole job, proof
 * included) only if it needs it.
 */
public final class StateFollower extends KafkaFollower {

    /** What a follower does with one state record. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param jobId  the record's key
         * @param status the status header, or null for a record without one (then parse {@code job})
         * @param origin the writer's incarnation header ({@value FarmTopics#ORIGIN_HEADER}), or null
         * @param job    parses the value on demand; throws {@link IllegalArgumentException} for an unreadable one
         */
        void accept(String jobId, JobStatus status, String origin, Supplier<Job> job);

        /** A tombstone: the job's state was deleted (its submission failed after its QUEUED state was written). */
        default void deleted(String jobId) {}
    }

    private final String topic;
    private final Sink sink;

    public StateFollower(Map<String, Object> clientProps, String clientId, String topic, Sink sink) {
        super(props(clientProps, clientId), "state follower", clientId + "-state-follower");
        this.topic = topic;
        this.sink = sink;
    }

    private static Map<String, Object> props(Map<String, Object> clientProps, String clientId) {
        // nobody waits on this follower record by record (its readers skip finished jobs or learn other coordinators'
        // states): let the broker gather up to 64 KiB or 50 ms per fetch instead of answering every record
        return FarmConfigs.consumerProps(clientProps, clientId + "-state", null, 0, Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20,
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 << 10,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50));
    }

    @Override
    public StateFollower start() {
        super.start();
        return this;
    }

    @Override
    protected void subscribe() throws InterruptedException { followFromBeginning(topic); }

    @Override
    protected void handle(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                if (r.value() == null) { sink.deleted(r.key()); continue; }
                sink.accept(r.key(), status(r.headers().lastHeader(FarmTopics.STATUS_HEADER)), text(r.headers().lastHeader(FarmTopics.ORIGIN_HEADER)),
                        () -> parse(r.value()));
            } catch (IllegalArgumentException e) {
                log.warn("state topic {}-{}@{}: unreadable record skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
    }

    private static Job parse(byte[] value) {
        try {
            return JobStateRecord.parseFrom(value).getJob();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The job status a record's {@link FarmTopics#STATUS_HEADER} names; null if none or unreadable (parse the value then). */
    public static JobStatus status(Header h) {
        JobStatus s = JobStatus.forNumber(number(h));
        return s == null || s == JobStatus.JOB_STATUS_UNSPECIFIED ? null : s;
    }

    /**
     * The webhook delivery state a record's {@link FarmTopics#WEBHOOK_HEADER} names ({@code STATE_UNSPECIFIED}: the job
     * has none); null if none or unreadable (parse the value then).
     */
    public static WebhookDelivery.State webhookState(Header h) {
        return WebhookDelivery.State.forNumber(number(h));
    }

    /** A header's enum number in decimal ASCII; -1 if none or unreadable (a header this build cannot read). */
    private static int number(Header h) {
        if (h == null) return -1;
        try {
            return Integer.parseInt(new String(h.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String text(Header h) { return h == null ? null : new String(h.value(), StandardCharsets.UTF_8); }
}
