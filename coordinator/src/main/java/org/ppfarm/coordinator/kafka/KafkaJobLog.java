package org.ppfarm.coordinator.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ppfarm.coordinator.jobs.JobLog;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.JobStateRecord;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The coordinator's {@link JobLog} on Kafka: job records to the priority's jobs topic and job states to the compacted state
 * topic. Idempotent producer, acks=all; a returned future completes once the record is durable. Thread-safe.
 *
 * <p>Every state record carries the two headers {@link FarmTopics} defines, so followers can act without parsing the
 * value (which holds the whole proof); the origin is this JobLog's incarnation (coordinator id plus a random id fresh
 * at every start), so a coordinator can skip the echo of its own writes.
 */
public final class KafkaJobLog implements JobLog {

    private final KafkaProducer<String, byte[]> producer;
    private final FarmTopics topics;
    private final boolean pinCircuits;
    private final String origin;
    private final byte[] originBytes;

    public KafkaJobLog(Map<String, Object> clientProps, String clientId, FarmTopics topics, boolean pinCircuits) {
        Map<String, Object> p = FarmConfigs.producerProps(clientProps, clientId + "-producer");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 << 20);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.pinCircuits = pinCircuits;
        this.origin = clientId + "/" + UUID.randomUUID();
        this.originBytes = origin.getBytes(StandardCharsets.UTF_8);
    }

    /** This incarnation's {@value FarmTopics#ORIGIN_HEADER}: unique per start, never reused by a restarted coordinator. */
    @Override
    public String origin() { return origin; }

    /** Keyed by job id (spread) or by its zkey hash (pinned to one partition per circuit). */
    @Override
    public CompletableFuture<Void> publishJob(JobRecord r) {
        String key = pinCircuits ? r.getCircuit().getZkeySha256() : r.getJobId();
        return send(new ProducerRecord<>(topics.jobs(r.getPriority()), key, r.toByteArray()));
    }

    @Override
    public CompletableFuture<Void> publishJob(JobRecord r, int partition) {
        return send(new ProducerRecord<>(topics.jobs(r.getPriority()), partition, r.getJobId(), r.toByteArray()));
    }

    @Override
    public String jobsTopic(JobRecord r) { return topics.jobs(r.getPriority()); }

    @Override
    public boolean spread() { return !pinCircuits; }

    @Override
    public CompletableFuture<Void> publishState(Job job) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.state(), job.getJobId(),
                JobStateRecord.newBuilder().setJob(job).build().toByteArray());
        r.headers().add(FarmTopics.STATUS_HEADER, Integer.toString(job.getStatusValue()).getBytes(StandardCharsets.US_ASCII));
        r.headers().add(FarmTopics.ORIGIN_HEADER, originBytes);
        return send(r);
    }

    private CompletableFuture<Void> send(ProducerRecord<String, byte[]> r) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        producer.send(r, (md, e) -> { if (e == null) f.complete(null); else f.completeExceptionally(e); });
        return f;
    }

    @Override
    public void close() { producer.close(); }
}
