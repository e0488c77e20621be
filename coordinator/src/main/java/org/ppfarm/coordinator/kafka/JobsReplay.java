package org.ppfarm.coordinator.kafka;

import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.jobs.JobStates;
import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Re-learns, at a coordinator's start, the jobs workers have not finished: every record of the jobs topics from the
 * workers' group's committed offset (the first job of the partition not yet done) to the end, as QUEUED states.
 *
 * <p>Why, when a submission writes its job's QUEUED state to the state topic just before its record: that write is not
 * awaited (the record's acknowledgement is what accepts the job), so a job whose state write failed, or was cut short
 * by its coordinator's crash, is known from its record alone. Jobs that finished are on the state topic;
 * jobs that did not are exactly those past the workers' committed offsets. Records there whose job already finished
 * (commits lag by up to 100 ms and stop at the first unfinished job) merge to no change, since the state topic is
 * replayed first and a terminal state outranks QUEUED. The sealed inputs in these records are never opened here.
 */
public final class JobsReplay {
    private static final Logger log = LoggerFactory.getLogger(JobsReplay.class);

    private JobsReplay() {}

    /**
     * Hands every unfinished job's QUEUED state to {@code sink}, in partition order; returns how many records it read.
     *
     * @throws IllegalStateException when the jobs topics cannot be read to their end within {@code timeout}
     */
    public static int replay(Admin admin, Map<String, Object> clientProps, String clientId, FarmTopics topics,
                             Consumer<Job> sink, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, topics.prefix() + ".workers", timeout);
        Map<String, Object> p = FarmConfigs.consumerProps(clientProps, clientId + "-jobs-replay", null, 0,
                Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FarmTopics.JOB_RECORD_MAX_BYTES));
        int read = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics.jobTopics())
                for (PartitionInfo i : consumer.partitionsFor(t, timeout)) parts.add(new TopicPartition(t, i.partition()));
            consumer.assign(parts);
            for (TopicPartition tp : parts) {
                OffsetAndMetadata o = committed.get(tp);
                if (o != null) consumer.seek(tp, o.offset());
                else consumer.seekToBeginning(List.of(tp));
            }
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, timeout));
            end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            while (!end.isEmpty()) {
                if (System.nanoTime() > deadline)
                    throw new IllegalStateException("jobs topics not read to their end within " + timeout.toSeconds() + " s: " + end.keySet());
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    try {
                        sink.accept(JobStates.queued(JobRecord.parseFrom(r.value())));
                    } catch (InvalidProtocolBufferException e) {
                        // workers fail such a record's job themselves; nothing to learn here
                        log.warn("jobs topic {}-{}@{}: unreadable record skipped: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        return read;
    }

    /** The workers' committed offsets; none (read from the beginning) when the group has never committed. */
    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group, Duration timeout) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
            m.forEach((tp, o) -> { if (o != null) out.put(tp, o); });
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) return Map.of();
            throw new IllegalStateException("cannot read the committed offsets of group " + group + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("committed offsets of group " + group + " not read within " + timeout.toSeconds() + " s", e);
        }
    }
}
