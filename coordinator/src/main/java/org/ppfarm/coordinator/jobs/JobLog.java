package org.ppfarm.coordinator.jobs;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ppfarm.coordinator.kafka.FarmTopics;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.JobStateRecord;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The coordinator's writes to Kafka: job records to the priority's jobs topic and job states to the compacted state
 * topic. Idempotent producer, acks=all; a returned future completes once the record is durable. Thread-safe.
 */
public final class JobLog implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final FarmTopics topics;
    private final boolean pinCircuits;

    public JobLog(Map<String, Object> clientProps, String clientId, FarmTopics topics, boolean pinCircuits) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // no linger: a submit waits for this write; under load records still batch while earlier requests are in flight
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 << 20);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.pinCircuits = pinCircuits;
    }

    /** Enqueues a job; keyed by job id (spread) or by its zkey hash (pinned to one partition per circuit). */
    public CompletableFuture<Void> publishJob(JobRecord r) {
        String key = pinCircuits ? r.getCircuit().getZkeySha256() : r.getJobId();
        return send(new ProducerRecord<>(topics.jobs(r.getPriority()), key, r.toByteArray()));
    }

    public CompletableFuture<Void> publishState(Job job) {
        return send(new ProducerRecord<>(topics.state(), job.getJobId(), JobStateRecord.newBuilder().setJob(job).build().toByteArray()));
    }

    private CompletableFuture<Void> send(ProducerRecord<String, byte[]> r) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        producer.send(r, (md, e) -> { if (e == null) f.complete(null); else f.completeExceptionally(e); });
        return f;
    }

    @Override
    public void close() { producer.close(); }
}
