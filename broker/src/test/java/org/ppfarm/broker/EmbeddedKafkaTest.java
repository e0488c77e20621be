package org.ppfarm.broker;

import org.ppfarm.farm.kafka.FarmTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.testkit.Eventually;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EmbeddedKafkaTest {
    @Test
    void recordsSurviveARestartOnTheSameDataDirectory(@TempDir Path dir) throws Exception {
        FarmTopics topics = new FarmTopics("t");
        try (EmbeddedKafka k = EmbeddedKafka.start(dir, false)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers()))) {
                topics.ensure(admin, 2, (short) 1);
                // a new topic reaches the broker's metadata cache asynchronously: wait for it (bounded) before asserting
                Set<String> want = Set.of("t.state", "t.events", "t.jobs.high");
                Eventually.await("topics " + want + " listed", Duration.ofSeconds(30), () -> admin.listTopics().names().get().containsAll(want));
            }
            try (var p = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("t.state", "job-1", "done")).get();
            }
        }
        try (EmbeddedKafka k = EmbeddedKafka.start(dir, true)) {
            assertEquals(List.of("job-1=done"), readAll(k.bootstrapServers(), "t.state", 1));
        }
    }

    static List<String> readAll(String bootstrap, String topic, int expected) {
        try (var c = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "g", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            List<String> out = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < end)
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) out.add(r.key() + "=" + r.value());
            return out;
        }
    }
}
