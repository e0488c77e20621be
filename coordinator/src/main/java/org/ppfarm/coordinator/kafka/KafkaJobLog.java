package org.ppfarm.coordinator.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ppfarm.coordinator.jobs.JobLog;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.JobStateRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The coordinator's {@link JobLog} on Kafka: job records to the priority's jobs topic and job states to the compacted state
 * topic. Idempotent producer, acks=all; a returned future completes once the record is durable. Thread-safe.
 *
 * <p>Every state record carries the three headers {@link FarmTopics} defines, so followers can act without parsing the
 * value (which holds the whole proof); the origin is this JobLog's incarnation (coordinator id plus a random id fresh
 * at every start), so a coordinator can skip the echo of its own writes.
 */
public final class KafkaJobLog implements JobLog {
    private static final Logger log = LoggerFactory.getLogger(KafkaJobLog.class);

    /** The producer's max.request.size: above any jobs topic's usual limit, so the topics' limit is the one that counts. */
    private static final int MAX_REQUEST_BYTES = 32 << 20;
    /**
     * What Kafka adds around a job record in the batch the broker checks against max.message.bytes: 61 bytes of batch
     * header, at most 21 of record framing (varints), the key (a job id or a zkey hash: at most 64 bytes); rounded up.
     */
    static final int FRAMING_BYTES = 256;

    private final KafkaProducer<String, byte[]> producer;
    private final int maxJobRecordBytes;
    private final FarmTopics topics;
    private final boolean pinCircuits;
    private final String origin;
    private final byte[] originBytes;

    /**
     * @param jobsTopicsMaxMessageBytes the largest record batch the jobs topics take ({@link #jobsTopicsMaxMessageBytes})
     */
    public KafkaJobLog(Map<String, Object> clientProps, String clientId, FarmTopics topics, boolean pinCircuits,
                       int jobsTopicsMaxMessageBytes) {
        Map<String, Object> p = FarmConfigs.producerProps(clientProps, clientId + "-producer");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        this.maxJobRecordBytes = Math.min(jobsTopicsMaxMessageBytes, MAX_REQUEST_BYTES) - FRAMING_BYTES;
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.pinCircuits = pinCircuits;
        this.origin = clientId + "/" + UUID.randomUUID();
        this.originBytes = origin.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The smallest {@code max.message.bytes} of the jobs topics as the brokers apply it (the topic's own setting, else
     * the brokers' {@code message.max.bytes}): the largest record batch a job's record can travel in.
     */
    public static int jobsTopicsMaxMessageBytes(Admin admin, FarmTopics topics) throws InterruptedException {
        List<ConfigResource> rs = topics.jobTopics().stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            Map<ConfigResource, Config> configs;
            while (true) {
                try {
                    configs = admin.describeConfigs(rs).all().get(60, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    // topics just created: the broker answering may not know them yet
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > giveUp) throw e;
                    Thread.sleep(100);
                }
            }
            int min = Integer.MAX_VALUE;
            for (ConfigResource r : rs) {
                ConfigEntry e = configs.get(r).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (e == null || e.value() == null)
                    throw new IllegalStateException("topic " + r.name() + ": the broker reports no " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                min = Math.min(min, Integer.parseInt(e.value()));
            }
            return min;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the jobs topics' " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int maxJobRecordBytes() { return maxJobRecordBytes; }

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
        r.headers().add(FarmTopics.WEBHOOK_HEADER, Integer.toString(job.getWebhook().getStateValue()).getBytes(StandardCharsets.US_ASCII));
        return send(r);
    }

    @Override
    public void forgetState(String jobId) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.state(), jobId, null);
        r.headers().add(FarmTopics.ORIGIN_HEADER, originBytes);
        producer.send(r, (md, e) -> {
            if (e != null) log.warn(
                    "job {}: its state could not be deleted ({}); other coordinators show it QUEUED until its deadline", jobId, e.toString());
        });
    }

    private CompletableFuture<Void> send(ProducerRecord<String, byte[]> r) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        producer.send(r, (md, e) -> {
            if (e == null) f.complete(null);
            else if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException)
                f.completeExceptionally(new JobLog.RecordTooLargeException(r.topic() + " refused a record of "
                        + r.value().length + " bytes: over its max.message.bytes"));
            else f.completeExceptionally(e);
        });
        return f;
    }

    @Override
    public void close() { producer.close(); }
}
