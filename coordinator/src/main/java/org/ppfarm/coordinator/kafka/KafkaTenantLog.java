package org.ppfarm.coordinator.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ppfarm.coordinator.tenants.TenantDirectory;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.farm.kafka.KafkaFollower;
import org.ppfarm.proto.v1.TenantRecord;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The tenants topic ({@link FarmTopics#tenants()}: compacted, key the tenant's name, one partition): a follower that
 * reads it from the beginning into a {@link TenantDirectory} on its own thread (every coordinator; {@code ppfarm
 * tenants} to know what is there), and the writer {@code ppfarm tenants} uses. A record replaces the tenant's previous
 * one; records hold key hashes, never keys. Thread-safe.
 */
public final class KafkaTenantLog implements AutoCloseable {
    private final String topic;
    private final Map<String, Object> clientProps;
    private final String clientId;
    private KafkaProducer<String, byte[]> producer; // created on the first write: followers never write
    private Follower follower;

    public KafkaTenantLog(Map<String, Object> clientProps, String clientId, FarmTopics topics) {
        this.topic = topics.tenants();
        this.clientProps = clientProps;
        this.clientId = clientId;
    }

    /** Starts reading the topic from its beginning into {@code directory}. */
    public synchronized KafkaTenantLog follow(TenantDirectory directory) {
        if (follower != null) throw new IllegalStateException("already following " + topic);
        follower = new Follower(FarmConfigs.consumerProps(clientProps, clientId + "-tenants", null, 0,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), directory);
        follower.start();
        return this;
    }

    /** Waits until the records on the topic when {@link #follow} was called are in the directory. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException { return follower.awaitCaughtUp(timeout); }

    /** Writes {@code r} as its tenant's current record; completes once Kafka has it (acks=all). */
    public CompletableFuture<Void> put(TenantRecord r) {
        KafkaProducer<String, byte[]> p;
        synchronized (this) {
            if (producer == null) producer = new KafkaProducer<>(FarmConfigs.producerProps(clientProps, clientId + "-tenants-producer"),
                    new StringSerializer(), new ByteArraySerializer());
            p = producer;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        p.send(new ProducerRecord<>(topic, r.getName(), r.toByteArray()), (md, e) -> {
            if (e != null) done.completeExceptionally(e);
            else done.complete(null);
        });
        return done;
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (producer != null) producer.close(Duration.ofSeconds(5));
        if (follower != null) follower.close();
    }

    private final class Follower extends KafkaFollower {
        private final TenantDirectory directory;

        Follower(Map<String, Object> props, TenantDirectory directory) {
            super(props, "tenants follower", clientId + "-tenants-follower");
            this.directory = directory;
        }

        @Override
        protected void subscribe() throws InterruptedException { followFromBeginning(topic); }

        @Override
        protected void handle(ConsumerRecords<String, byte[]> records) {
            for (ConsumerRecord<String, byte[]> r : records) {
                try {
                    directory.learn(r.key(), r.value() == null ? null : TenantRecord.parseFrom(r.value()));
                } catch (InvalidProtocolBufferException e) {
                    log.warn("tenants topic {}@{}: unreadable record skipped: {}", r.topic(), r.offset(), e.getMessage());
                }
            }
        }
    }
}
