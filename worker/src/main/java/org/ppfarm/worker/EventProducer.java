package org.ppfarm.worker;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.proto.v1.JobEvent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes a worker's job events to the events topic, keyed by job id (so one job's events keep their order), with the
 * farm's producer settings ({@link FarmConfigs#producerProps}: acks=all, idempotent). The producer is created on
 * {@link #start()} (it starts its network thread). Thread-safe.
 */
final class EventProducer implements JobRunner.Publisher {
    private final Map<String, Object> props;
    private final String topic;
    private volatile KafkaProducer<String, byte[]> producer;

    /** @param kafka the farm's Kafka client settings ({@code FarmConfigs.clientProps}) */
    EventProducer(Map<String, Object> kafka, String workerId, String topic) {
        this.props = FarmConfigs.producerProps(kafka, workerId + "-events");
        this.topic = topic;
    }

    void start() { producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()); }

    /** Publishes an event; the stage completes when Kafka has it (the caller commits only after). */
    @Override
    public CompletionStage<Void> publish(JobEvent e) {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) throw new IllegalStateException("event producer for " + topic + " not started");
        CompletableFuture<Void> f = new CompletableFuture<>();
        p.send(new ProducerRecord<>(topic, e.getJobId(), e.toByteArray()), (md, ex) -> {
            if (ex == null) f.complete(null);
            else f.completeExceptionally(ex);
        });
        return f;
    }

    /** Sends what is buffered (up to 5 s) and stops. */
    void close() {
        KafkaProducer<String, byte[]> p = producer;
        if (p != null) p.close(Duration.ofSeconds(5));
    }
}
