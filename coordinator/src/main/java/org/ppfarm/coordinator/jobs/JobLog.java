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

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The coordinator's writes to Kafka: job records to the priority's jobs topic and job states to the compacted state
 * topic. Idempotent producer, acks=all; a returned future completes once the record is durable. Thread-safe.
 *
 * <p>Every state record carries two headers, so followers can act without parsing the value (which holds the whole
 * proof): {@value #STATUS_HEADER}, the job's status as its proto enum number in decimal ASCII, and
 * {@value #ORIGIN_HEADER}, this JobLog's incarnation (coordinator id plus a random id fresh at every start), so a
 * coordinator can skip the echo of its own writes.
 */
public final class JobLog implements AutoCloseable {
    public static final String STATUS_HEADER = "ppfarm-status";
    public static final String ORIGIN_HEADER = "ppfarm-origin";

    private final KafkaProducer<String, byte[]> producer;
    private final FarmTopics topics;
    private final boolean pinCircuits;
    private final String origin;
    private final byte[] originBytes;

    public JobLog(Map<String, Object> clientProps, String clientId, FarmTopics topics, boolean pinCircuits) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // no linger: a submit waits for this write; under load records still batch while earlier requests are in flight
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // one request in flight: while it is out, records gather into the next (larger) request, so a busy farm sends
        // fewer, fuller produce requests (the broker's cost is per request and per partition batch); an idle one
        // still sends each record at once
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        // a partition's batch may fill a whole request: with results of a few KB each, Kafka's default 16 KiB batch
        // capped a request at ~4 records per partition (0.18 produce requests per job in FarmBench dispatch; 0.075
        // with 256 KiB, and ~20% less CPU per job). Batches only grow while a request is out, so idle latency is unchanged.
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 << 10);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 << 20);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.pinCircuits = pinCircuits;
        this.origin = clientId + "/" + UUID.randomUUID();
        this.originBytes = origin.getBytes(StandardCharsets.UTF_8);
    }

    /** This incarnation's {@value #ORIGIN_HEADER}: unique per start, never reused by a restarted coordinator. */
    public String origin() { return origin; }

    /** Enqueues a job; keyed by job id (spread) or by its zkey hash (pinned to one partition per circuit). */
    public CompletableFuture<Void> publishJob(JobRecord r) {
        String key = pinCircuits ? r.getCircuit().getZkeySha256() : r.getJobId();
        return send(new ProducerRecord<>(topics.jobs(r.getPriority()), key, r.toByteArray()));
    }

    public CompletableFuture<Void> publishState(Job job) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.state(), job.getJobId(),
                JobStateRecord.newBuilder().setJob(job).build().toByteArray());
        r.headers().add(STATUS_HEADER, Integer.toString(job.getStatusValue()).getBytes(StandardCharsets.US_ASCII));
        r.headers().add(ORIGIN_HEADER, originBytes);
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
