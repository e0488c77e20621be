package org.ppfarm.coordinator.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ppfarm.coordinator.registry.CircuitLog;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.farm.kafka.KafkaFollower;
import org.ppfarm.proto.v1.CircuitRecord;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@link CircuitLog} on the registry topic ({@link FarmTopics#circuits()}: one partition, kept forever): records
 * are appended with the farm's durable producer settings and read back by a follower of the whole topic, from its
 * beginning, on its own thread. An append completes once the follower has handed its record to the sink, so the
 * registration then knows whether it came first. Thread-safe.
 */
public final class KafkaCircuitLog implements CircuitLog {
    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Object> consumerProps;
    private final String clientId;
    /** Appends waiting to be read back, by offset; guarded by itself. */
    private final TreeMap<Long, CompletableFuture<Void>> waiting = new TreeMap<>();
    private long readUpTo = -1; // guarded by waiting: the next offset the follower will read
    private Follower follower;

    public KafkaCircuitLog(Map<String, Object> clientProps, String clientId, FarmTopics topics) {
        this.topic = topics.circuits();
        this.clientId = clientId;
        this.producer = new KafkaProducer<>(FarmConfigs.producerProps(clientProps, clientId + "-registry-producer"),
                new StringSerializer(), new ByteArraySerializer());
        this.consumerProps = FarmConfigs.consumerProps(clientProps, clientId + "-registry", null, 0,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    }

    @Override
    public synchronized void follow(Consumer<CircuitRecord> sink) {
        if (follower != null) throw new IllegalStateException("already following " + topic);
        follower = new Follower(sink);
        follower.start();
    }

    /** Waits until the records on the topic when {@link #follow} was called are handed to the sink. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException { return follower.awaitCaughtUp(timeout); }

    @Override
    public CompletableFuture<Void> append(CircuitRecord r) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, r.getCircuit().getName(), r.toByteArray()), (md, e) -> {
            if (e != null) { done.completeExceptionally(e); return; }
            synchronized (waiting) {
                if (md.offset() < readUpTo) done.complete(null);
                else waiting.put(md.offset(), done);
            }
        });
        return done;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        try {
            if (follower != null) follower.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Follower extends KafkaFollower {
        private final Consumer<CircuitRecord> sink;

        Follower(Consumer<CircuitRecord> sink) {
            super(consumerProps, "registry follower", clientId + "-registry-follower");
            this.sink = sink;
        }

        @Override
        protected void subscribe() throws InterruptedException { followFromBeginning(topic); }

        @Override
        protected void handle(ConsumerRecords<String, byte[]> records) {
            long next = -1;
            for (ConsumerRecord<String, byte[]> r : records) {
                next = Math.max(next, r.offset() + 1);
                if (r.value() == null) continue;
                try {
                    sink.accept(CircuitRecord.parseFrom(r.value()));
                } catch (InvalidProtocolBufferException e) {
                    log.warn("registry topic {}@{}: unreadable record skipped: {}", r.topic(), r.offset(), e.getMessage());
                }
            }
            synchronized (waiting) {
                readUpTo = Math.max(readUpTo, next);
                var read = waiting.headMap(readUpTo);
                read.values().forEach(f -> f.complete(null));
                read.clear();
            }
        }
    }
}
